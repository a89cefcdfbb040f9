using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>
/// Writes a <see cref="SpecNode"/> tree as block-style YAML: two-space indents, lists of scalars as <c>[a, b]</c>,
/// strings plain where that reads back as the same string in any YAML 1.1 or 1.2 parser, else double-quoted.
/// </summary>
internal static partial class YamlEmitter
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n",
    };

    /// <summary>The YAML text of <paramref name="root"/>, ending with a newline.</summary>
    public static string Emit(MappingNode root)
    {
        var text = new StringBuilder();
        WriteMapping(text, root, 0);
        return text.ToString();
    }

    private static void WriteMapping(StringBuilder text, MappingNode mapping, int indent)
    {
        foreach (var entry in mapping.Entries)
        {
            text.Append(' ', indent).Append(entry.Key).Append(':');
            WriteValue(text, entry.Value, indent);
        }
    }

    /// <summary>Writes a value after <c>key:</c> (or <c>-</c>), ending the line.</summary>
    private static void WriteValue(StringBuilder text, SpecNode node, int indent)
    {
        switch (node)
        {
            case MappingNode { Entries.Count: 0 }:
                text.Append(" {}\n");
                break;
            case MappingNode mapping:
                text.Append('\n');
                WriteMapping(text, mapping, indent + 2);
                break;
            case SequenceNode sequence when sequence.Items.All(i => i is ScalarNode):
                text.Append(" [").AppendJoin(", ", sequence.Items.Select(i => Scalar((ScalarNode)i))).Append("]\n");
                break;
            case SequenceNode sequence:
                text.Append('\n');
                foreach (var item in sequence.Items)
                {
                    text.Append(' ', indent + 2).Append('-');
                    WriteValue(text, item, indent + 2);
                }

                break;
            case ScalarNode scalar:
                text.Append(' ').Append(Scalar(scalar)).Append('\n');
                break;
        }
    }

    private static string Scalar(ScalarNode scalar) => scalar.Kind switch
    {
        ScalarKind.Null => "null",
        ScalarKind.Plain => scalar.Text,
        _ when PlainSafe().IsMatch(scalar.Text) && !Reserved.Contains(scalar.Text) => scalar.Text,
        // A JSON string literal is a valid YAML double-quoted scalar.
        _ => $"\"{JsonEncodedText.Encode(scalar.Text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)}\"",
    };

    /// <summary>Words, names and paths such as <c>fashion-mnist</c>, <c>cuda:0</c>, <c>/data/idx</c>: no spaces, no YAML indicators, not number-like.</summary>
    [GeneratedRegex("^[A-Za-z_/][A-Za-z0-9_./-]*(:[A-Za-z0-9_./-]+)*$")]
    private static partial Regex PlainSafe();
}
