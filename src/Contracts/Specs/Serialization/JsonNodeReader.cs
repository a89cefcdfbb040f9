using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>
/// Parses JSON text into a <see cref="SpecNode"/> tree with <see cref="Utf8JsonReader"/>, strictly (comments allowed,
/// trailing commas not), keeping each node's line and column.
/// </summary>
internal static partial class JsonNodeReader
{
    /// <summary>The document's root; null when there was a syntax error (logged with its line and column).</summary>
    public static SpecNode? Read(string text, ProblemLog log)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        var lines = new JsonLineIndex(bytes);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
        try
        {
            reader.Read();
            var root = ReadValue(ref reader, lines);
            // The reader throws on anything but comments and whitespace after the root value.
            reader.Read();
            return root;
        }
        catch (JsonException e)
        {
            string message = PositionSuffix().Replace(e.Message, "").Replace(" Change the reader options.", "", StringComparison.Ordinal);
            log.Add("", $"syntax error: {message}", new SourcePosition((int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1));
            return null;
        }
    }

    private static SpecNode ReadValue(ref Utf8JsonReader reader, JsonLineIndex lines)
    {
        var at = lines.Position(reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var entries = new List<MappingEntry>();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    string key = reader.GetString()!;
                    var keyAt = lines.Position(reader.TokenStartIndex);
                    reader.Read();
                    entries.Add(new MappingEntry(key, keyAt, ReadValue(ref reader, lines)));
                }

                return new MappingNode(entries, at);
            case JsonTokenType.StartArray:
                var items = new List<SpecNode>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader, lines));
                }

                return new SequenceNode(items, at);
            case JsonTokenType.String:
                return new ScalarNode(reader.GetString()!, ScalarKind.Quoted, at);
            case JsonTokenType.Number:
                return new ScalarNode(Encoding.UTF8.GetString(reader.ValueSpan), ScalarKind.Plain, at);
            case JsonTokenType.True:
                return new ScalarNode("true", ScalarKind.Plain, at);
            case JsonTokenType.False:
                return new ScalarNode("false", ScalarKind.Plain, at);
            default:
                return new ScalarNode("null", ScalarKind.Null, at);
        }
    }

    [GeneratedRegex(@"\s*(Path: .*)?\|?\s*LineNumber: \d+ \| BytePositionInLine: \d+\.?\s*$")]
    private static partial Regex PositionSuffix();
}
