using System.Text;
using System.Text.Json;

namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>
/// Parses JSON text into a <see cref="SpecNode"/> tree with <see cref="Utf8JsonReader"/>, strictly (comments allowed,
/// trailing commas not), keeping each node's line and column. Tokens are fed to a <see cref="SpecTreeBuilder"/> in a
/// loop, never by recursion, and the document's limits are checked as they arrive.
/// </summary>
internal static class JsonNodeReader
{
    /// <summary>The document's root; null when there was a problem (logged with its line and column).</summary>
    public static SpecNode? Read(string text, SpecDocumentLimits limits, ProblemLog log)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        var lines = new JsonLineIndex(bytes);
        var builder = new SpecTreeBuilder(limits, log);
        // One level more than the limit, so the builder (which names the field) refuses the deep container first.
        var options = new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = Math.Max(limits.Depth, 1) + 1 };
        var reader = new Utf8JsonReader(bytes, options);
        try
        {
            if (!reader.Read())
            {
                log.Add("", "syntax error: the document is empty; expected a JSON object", new SourcePosition(1, 1));
                return null;
            }

            do
            {
                if (!Apply(ref reader, lines, builder)) return null;
            }
            while (builder.Root is null && reader.Read());

            // The reader throws on anything but comments and whitespace after the root value.
            reader.Read();
            return builder.Root;
        }
        catch (JsonException e)
        {
            string message = SyntaxMessage(e.Message);
            log.Add("", $"syntax error: {message}", new SourcePosition((int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1));
            return null;
        }
    }

    /// <summary>Feeds the reader's current token to the builder; false when reading must stop.</summary>
    private static bool Apply(ref Utf8JsonReader reader, JsonLineIndex lines, SpecTreeBuilder builder)
    {
        var at = lines.Position(reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                return builder.StartMapping(at);
            case JsonTokenType.StartArray:
                return builder.StartSequence(at);
            case JsonTokenType.EndObject or JsonTokenType.EndArray:
                builder.End();
                return true;
            case JsonTokenType.PropertyName:
                return TryGetString(ref reader, out string key) ? builder.Key(key, at) : builder.Refuse(UnpairedSurrogate, at);
            case JsonTokenType.String:
                return TryGetString(ref reader, out string text) ? builder.Scalar(text, ScalarKind.Quoted, at) : builder.Refuse(UnpairedSurrogate, at);
            case JsonTokenType.Number:
                return builder.Scalar(Encoding.UTF8.GetString(reader.ValueSpan), ScalarKind.Plain, at);
            case JsonTokenType.True:
                return builder.Scalar("true", ScalarKind.Plain, at);
            case JsonTokenType.False:
                return builder.Scalar("false", ScalarKind.Plain, at);
            default:
                return builder.Scalar("null", ScalarKind.Null, at);
        }
    }

    private const string UnpairedSurrogate = "the string is not valid Unicode: an escape such as \\ud800 leaves half a surrogate pair";

    /// <summary>The string token's text; false when its escapes make half a surrogate pair, which no .NET string may hold as text.</summary>
    private static bool TryGetString(ref Utf8JsonReader reader, out string text)
    {
        try
        {
            text = reader.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    /// <summary>
    /// System.Text.Json's message without its position suffix (the problem carries the position) and with the text it
    /// quotes from the document bounded. Plain string searches: the message quotes the input, so a regex over it
    /// would cost as much as the input could make it (a backtracking <c>\s*</c> over a long run of spaces was quadratic).
    /// </summary>
    internal static string SyntaxMessage(string message)
    {
        int suffix = message.LastIndexOf(" LineNumber: ", StringComparison.Ordinal);
        if (suffix >= 0) message = message[..suffix];
        int path = message.LastIndexOf(" Path: ", StringComparison.Ordinal);
        if (path >= 0) message = message[..path];
        message = message.TrimEnd(' ', '|').Replace(" Change the reader options.", "", StringComparison.Ordinal);
        // "'<token>' is an invalid start of a value." — the token is the document's own text.
        int quoteEnd = message.LastIndexOf("' is ", StringComparison.Ordinal);
        return message.StartsWith('\'') && quoteEnd > 0
            ? UntrustedText.Quote(message[1..quoteEnd]) + message[(quoteEnd + 1)..]
            : message;
    }
}
