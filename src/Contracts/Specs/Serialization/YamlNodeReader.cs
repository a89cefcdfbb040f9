using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>Parses YAML text into a <see cref="SpecNode"/> tree with YamlDotNet's representation model.</summary>
internal static class YamlNodeReader
{
    /// <summary>Nodes one document may expand to, counting alias repeats (guards against "billion laughs" documents).</summary>
    private const int MaxNodes = 100_000;

    /// <summary>The document's root; null for an empty document or when there was a syntax error (logged with its line).</summary>
    public static SpecNode? Read(string text, ProblemLog log)
    {
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(text));
        try
        {
            stream.Load(new Parser(scanner));
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

        if (stream.Documents.Count == 0) return null;
        if (stream.Documents.Count > 1)
        {
            log.Add("", $"expected one document, found {stream.Documents.Count}", Position(stream.Documents[1].RootNode.Start));
            return null;
        }

        int budget = MaxNodes;
        return Convert(stream.Documents[0].RootNode, log, ref budget);
    }

    private static SpecNode? Convert(YamlNode node, ProblemLog log, ref int budget)
    {
        if (--budget < 0)
        {
            if (budget == -1) log.Add("", $"the document expands to more than {MaxNodes} nodes", Position(node.Start));
            return null;
        }

        var at = Position(node.Start);
        switch (node)
        {
            case YamlScalarNode scalar:
                return new ScalarNode(scalar.Value ?? "", KindOf(scalar), at);
            case YamlSequenceNode sequence:
                var items = new List<SpecNode>(sequence.Children.Count);
                foreach (var child in sequence.Children)
                {
                    if (Convert(child, log, ref budget) is { } item) items.Add(item);
                }

                return new SequenceNode(items, at);
            case YamlMappingNode mapping:
                var entries = new List<MappingEntry>(mapping.Children.Count);
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name })
                    {
                        log.Add("", "expected a field name, got a complex key", Position(key.Start));
                        continue;
                    }

                    if (Convert(value, log, ref budget) is { } converted) entries.Add(new MappingEntry(name, Position(key.Start), converted));
                }

                return new MappingNode(entries, at);
            default:
                log.Add("", $"unsupported YAML node {node.NodeType}", at);
                return null;
        }
    }

    private static ScalarKind KindOf(YamlScalarNode scalar)
    {
        bool taggedString = !scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value is "tag:yaml.org,2002:str";
        if (scalar.Style != ScalarStyle.Plain || taggedString) return ScalarKind.Quoted;
        // YAML 1.2 core schema nulls.
        return scalar.Value is null or "" or "~" or "null" or "Null" or "NULL" ? ScalarKind.Null : ScalarKind.Plain;
    }

    private static SourcePosition Position(Mark mark) => new((int)Math.Min(mark.Line, int.MaxValue), (int)Math.Min(mark.Column, int.MaxValue));
}
