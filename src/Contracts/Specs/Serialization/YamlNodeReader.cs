using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>
/// Parses YAML text into a <see cref="SpecNode"/> tree from YamlDotNet's event stream, iteratively (see
/// <see cref="SpecTreeBuilder"/>), so neither deep nesting nor alias expansion can cost more than the document's limits.
/// Anchors, aliases and tags other than YAML's core ones are refused: a spec never needs them, and aliases are how a
/// small document asks for exponential work.
/// </summary>
internal static class YamlNodeReader
{
    private const string CoreTagPrefix = "tag:yaml.org,2002:";

    /// <summary>The core tags a value may carry; <c>!!str</c> makes a plain scalar text.</summary>
    private static readonly HashSet<string> _coreTags = new(StringComparer.Ordinal)
    {
        CoreTagPrefix + "str", CoreTagPrefix + "int", CoreTagPrefix + "float", CoreTagPrefix + "bool",
        CoreTagPrefix + "null", CoreTagPrefix + "map", CoreTagPrefix + "seq",
    };

    /// <summary>The document's root; null for an empty document or when there was a problem (logged with its line).</summary>
    public static SpecNode? Read(string text, SpecDocumentLimits limits, ProblemLog log)
    {
        var builder = new SpecTreeBuilder(limits, log);
        var scanner = new Scanner(new StringReader(text), skipComments: true);
        var parser = new Parser(scanner);
        int documents = 0;
        SourcePosition secondDocument = default;
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                if (current is DocumentStart)
                {
                    if (++documents == 2) secondDocument = Position(current.Start);
                    continue;
                }

                // Later documents are only counted (each within the same size limit as the whole text).
                if (documents > 1 || current is StreamStart or StreamEnd or DocumentEnd or Comment) continue;
                if (!Apply(current, builder)) break;
            }
        }
        catch (YamlException e)
        {
            log.Add("", $"syntax error: {e.Message}", Position(e.Start));
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet fails this way on some malformed input (an unclosed flow list followed by a block key).
            log.Add("", "syntax error: the YAML parser could not go on from here; look for an unclosed bracket or quote before it", Position(scanner.CurrentPosition));
            return null;
        }

        if (builder.Stopped) return null;
        if (documents > 1)
        {
            log.Add("", $"expected one document, found {documents}", secondDocument);
            return null;
        }

        return builder.Root;
    }

    /// <summary>Feeds one node event to the builder; false when reading must stop.</summary>
    private static bool Apply(ParsingEvent current, SpecTreeBuilder builder)
    {
        var at = Position(current.Start);
        if (current is AnchorAlias alias)
        {
            return builder.Refuse($"aliases (*{Short(alias.Value.Value)}) are not supported; write the value out", at);
        }

        if (current is NodeEvent node)
        {
            if (!node.Anchor.IsEmpty) return builder.Refuse($"anchors (&{Short(node.Anchor.Value)}) are not supported; write the value out", at);
            if (!node.Tag.IsEmpty && !node.Tag.IsNonSpecific && !_coreTags.Contains(node.Tag.Value))
            {
                return builder.Refuse($"unsupported tag {UntrustedText.Quote(node.Tag.Value)}; a spec uses plain values (or !!str)", at);
            }
        }

        if (builder.ExpectsKey && current is not MappingEnd)
        {
            if (current is not Scalar key) return builder.Refuse("expected a field name, got a complex key", at);
            return builder.Key(key.Value, at);
        }

        switch (current)
        {
            case Scalar scalar:
                return builder.Scalar(scalar.Value, KindOf(scalar), at);
            case MappingStart:
                return builder.StartMapping(at);
            case SequenceStart:
                return builder.StartSequence(at);
            case MappingEnd or SequenceEnd:
                builder.End();
                return true;
            default:
                return builder.Refuse($"unsupported YAML element {current.GetType().Name}", at);
        }
    }

    private static ScalarKind KindOf(Scalar scalar)
    {
        bool taggedString = !scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value is CoreTagPrefix + "str";
        if (scalar.Style != ScalarStyle.Plain || taggedString) return ScalarKind.Quoted;
        // YAML 1.2 core schema nulls.
        return scalar.Value is "" or "~" or "null" or "Null" or "NULL" ? ScalarKind.Null : ScalarKind.Plain;
    }

    /// <summary>An anchor's name as a message shows it: at most 64 characters.</summary>
    private static string Short(string name) => name.Length <= UntrustedText.MaxQuoted ? name : name[..UntrustedText.MaxQuoted] + "…";

    private static SourcePosition Position(Mark mark) => new((int)Math.Min(mark.Line, int.MaxValue), (int)Math.Min(mark.Column, int.MaxValue));
}
