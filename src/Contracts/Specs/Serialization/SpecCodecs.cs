using System.Globalization;

namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>The codecs spec fields are built from: scalars, enums, lists and nested sections.</summary>
internal static class SpecCodecs
{
    private delegate bool TryParse<T>(string text, out T value);

    /// <summary>A 32-bit integer written without quotes: <c>4</c>, <c>-1</c>.</summary>
    public static SpecCodec<int> Int { get; } = Scalar<int>(
        "an integer",
        (string text, out int value) => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value),
        v => Plain(v.ToString(CultureInfo.InvariantCulture)));

    /// <summary>A finite number written without quotes: <c>0.05</c>, <c>5e-4</c>, <c>4</c>.</summary>
    public static SpecCodec<double> Double { get; } = Scalar<double>(
        "a number",
        (string text, out double value) =>
            double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value),
        // NaN and infinities are not JSON numbers: a spec holding one (invalid anyway) is written with them quoted.
        v => double.IsFinite(v) ? Plain(FormatDouble(v)) : new ScalarNode(FormatDouble(v), ScalarKind.Quoted));

    /// <summary><c>true</c> or <c>false</c> (any case), without quotes.</summary>
    public static SpecCodec<bool> Bool { get; } = Scalar<bool>(
        "true or false",
        (string text, out bool value) =>
        {
            value = string.Equals(text, "true", StringComparison.OrdinalIgnoreCase);
            return value || string.Equals(text, "false", StringComparison.OrdinalIgnoreCase);
        },
        v => Plain(v ? "true" : "false"));

    /// <summary>Text, quoted or not; never null.</summary>
    public static SpecCodec<string> String { get; } = new(ReadString, v => new ScalarNode(v, ScalarKind.Quoted));

    /// <summary>Text, or null.</summary>
    public static SpecCodec<string?> NullableString { get; } = new(
        (SpecNode node, string? current, string path, ProblemLog log, out string? value) =>
        {
            value = null;
            return node is ScalarNode { Kind: ScalarKind.Null } || ReadString(node, current ?? "", path, log, out value);
        },
        v => v is null ? ScalarNode.Null : new ScalarNode(v, ScalarKind.Quoted));

    /// <summary>A value of <paramref name="inner"/>, or null.</summary>
    public static SpecCodec<T?> Nullable<T>(SpecCodec<T> inner)
        where T : struct => new(
        (SpecNode node, T? current, string path, ProblemLog log, out T? value) =>
        {
            value = null;
            if (node is ScalarNode { Kind: ScalarKind.Null }) return true;
            if (!inner.TryRead(node, current ?? default, path, log, out T read)) return false;
            value = read;
            return true;
        },
        v => v is { } value ? inner.Write(value) : ScalarNode.Null);

    /// <summary>One of the enum's words (<see cref="EnumWords{T}"/>), any case; a problem lists them all.</summary>
    public static SpecCodec<T> Enum<T>()
        where T : struct, System.Enum => new(
        (SpecNode node, T current, string path, ProblemLog log, out T value) =>
        {
            if (node is ScalarNode { Kind: not ScalarKind.Null } scalar && EnumWords<T>.TryParse(scalar.Text, out value)) return true;
            string message = $"expected one of {string.Join(", ", EnumWords<T>.All)}, got {node.Describe()}";
            if (node is ScalarNode { Kind: not ScalarKind.Null } misspelt && Suggestions.Closest(misspelt.Text, EnumWords<T>.All) is { } suggestion)
            {
                message += $"; did you mean '{suggestion}'?";
            }

            log.Add(path, message, node.Position);
            value = current;
            return false;
        },
        v => new ScalarNode(EnumWords<T>.Word(v), ScalarKind.Quoted));

    /// <summary>A list, each item read with <paramref name="item"/>; a problem in one item names it (<c>hidden[1]</c>) and the others are still read.</summary>
    public static SpecCodec<ValueList<T>> List<T>(SpecCodec<T> item) => new(
        (SpecNode node, ValueList<T> current, string path, ProblemLog log, out ValueList<T> value) =>
        {
            value = current;
            if (node is not SequenceNode sequence)
            {
                log.Add(path, $"expected a list such as [1, 2], got {node.Describe()}", node.Position);
                return false;
            }

            var items = new List<T>(sequence.Items.Count);
            bool ok = true;
            for (int i = 0; i < sequence.Items.Count; i++)
            {
                string itemPath = SpecPath.Item(path, i);
                log.SetPosition(itemPath, sequence.Items[i].Position);
                if (item.TryRead(sequence.Items[i], default!, itemPath, log, out T read)) items.Add(read);
                else ok = false;
            }

            if (ok) value = ValueList.From(items);
            return ok;
        },
        v => new SequenceNode(v.Select(item.Write).ToList()));

    /// <summary>
    /// A nested section: a mapping whose fields overlay the current value, so fields left out keep their defaults;
    /// a null or empty section means all defaults.
    /// </summary>
    public static SpecCodec<T> Section<T>(SectionSchema<T> schema)
        where T : class => new(
        (SpecNode node, T current, string path, ProblemLog log, out T value) =>
        {
            value = current;
            switch (node)
            {
                case ScalarNode { Kind: ScalarKind.Null }:
                    return true;
                case MappingNode mapping:
                    value = schema.Read(mapping, current, path, log);
                    return true;
                default:
                    log.Add(path, $"expected a section of fields ({string.Join(", ", schema.FieldNames)}), got {node.Describe()}", node.Position);
                    return false;
            }
        },
        v => schema.Write(v));

    /// <summary>
    /// A section that is off unless written: null (or absent) is off; a mapping, even an empty one, turns it on with
    /// the fields found overlaid on <paramref name="defaults"/>.
    /// </summary>
    public static SpecCodec<T?> OptionalSection<T>(SectionSchema<T> schema, T defaults)
        where T : class => new(
        (SpecNode node, T? current, string path, ProblemLog log, out T? value) =>
        {
            value = current;
            switch (node)
            {
                case ScalarNode { Kind: ScalarKind.Null }:
                    value = null;
                    return true;
                case MappingNode mapping:
                    value = schema.Read(mapping, current ?? defaults, path, log);
                    return true;
                default:
                    log.Add(path, $"expected a section of fields ({string.Join(", ", schema.FieldNames)}), or null for off, got {node.Describe()}", node.Position);
                    return false;
            }
        },
        v => v is null ? ScalarNode.Null : schema.Write(v));

    /// <summary>The shortest text that reads back as the same double, with <c>.0</c> on whole numbers so they read as numbers elsewhere too.</summary>
    public static string FormatDouble(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return double.IsFinite(value) && !text.Contains('.') && !text.Contains('E') ? text + ".0" : text;
    }

    private static ScalarNode Plain(string text) => new(text, ScalarKind.Plain);

    private static SpecCodec<T> Scalar<T>(string expected, TryParse<T> parse, Func<T, SpecNode> write) => new(
        (SpecNode node, T current, string path, ProblemLog log, out T value) =>
        {
            value = current;
            if (node is ScalarNode { Kind: not ScalarKind.Null } scalar && parse(scalar.Text, out T parsed))
            {
                if (scalar.Kind == ScalarKind.Plain)
                {
                    value = parsed;
                    return true;
                }

                log.Add(path, $"expected {expected}, got the string {UntrustedText.Quote(scalar.Text)} (write it without quotes)", node.Position);
                return false;
            }

            log.Add(path, $"expected {expected}, got {node.Describe()}", node.Position);
            return false;
        },
        write);

    private static bool ReadString(SpecNode node, string current, string path, ProblemLog log, out string value)
    {
        if (node is ScalarNode { Kind: not ScalarKind.Null } scalar)
        {
            value = scalar.Text;
            return true;
        }

        log.Add(path, $"expected a string, got {node.Describe()}", node.Position);
        value = current;
        return false;
    }
}
