using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>Writes a <see cref="SpecNode"/> tree as indented JSON with <c>\n</c> line ends.</summary>
internal static class JsonEmitter
{
    /// <summary>The JSON text of <paramref name="root"/>, ending with a newline.</summary>
    public static string Emit(SpecNode root)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = true,
            NewLine = "\n",
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            Write(writer, root);
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void Write(Utf8JsonWriter writer, SpecNode node)
    {
        switch (node)
        {
            case MappingNode mapping:
                writer.WriteStartObject();
                foreach (var entry in mapping.Entries)
                {
                    writer.WritePropertyName(entry.Key);
                    Write(writer, entry.Value);
                }

                writer.WriteEndObject();
                break;
            case SequenceNode sequence when sequence.Items.All(i => i is ScalarNode):
                // Lists of scalars on one line, as [3, 3, 2, 2]; written raw because Utf8JsonWriter does not indent raw values inside arrays.
                writer.WriteRawValue($"[{string.Join(", ", sequence.Items.Select(i => Literal((ScalarNode)i)))}]");
                break;
            case SequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case ScalarNode { Kind: ScalarKind.Null }:
                writer.WriteNullValue();
                break;
            case ScalarNode { Kind: ScalarKind.Quoted } scalar:
                writer.WriteStringValue(scalar.Text);
                break;
            case ScalarNode scalar:
                writer.WriteRawValue(Literal(scalar));
                break;
        }
    }

    /// <summary>A scalar as a JSON literal; plain scalars written by codecs are JSON literals already (numbers, true, false).</summary>
    private static string Literal(ScalarNode scalar) => scalar.Kind switch
    {
        ScalarKind.Null => "null",
        ScalarKind.Quoted => $"\"{JsonEncodedText.Encode(scalar.Text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)}\"",
        _ => scalar.Text,
    };
}
