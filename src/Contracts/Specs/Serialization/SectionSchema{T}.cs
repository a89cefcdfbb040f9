namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>
/// The fields of one spec section, in the order files are written. Reading overlays the fields found on a default
/// value and logs every problem (unknown fields, wrong types) without stopping at the first; a key given twice never
/// gets here (the reader reports it and keeps the first).
/// </summary>
internal sealed class SectionSchema<T>
    where T : class
{
    private readonly List<SpecField<T>> _fields = [];

    /// <summary>The keys, in order.</summary>
    public IEnumerable<string> FieldNames => _fields.Select(f => f.Name);

    /// <summary>Adds a field.</summary>
    public SectionSchema<T> Field<TValue>(string name, SpecCodec<TValue> codec, Func<T, TValue> get, Func<T, TValue, T> set)
    {
        if (_fields.Any(f => f.Name == name)) throw new InvalidOperationException($"field '{name}' is declared twice");
        _fields.Add(new SpecField<T, TValue>(name, codec, get, set));
        return this;
    }

    /// <summary>Adds a nested section.</summary>
    public SectionSchema<T> Section<TChild>(string name, SectionSchema<TChild> schema, Func<T, TChild> get, Func<T, TChild, T> set)
        where TChild : class => Field(name, SpecCodecs.Section(schema), get, set);

    /// <summary>Adds a nested section that is off (null) unless the document writes it; when written, its fields overlay <paramref name="defaults"/>.</summary>
    public SectionSchema<T> OptionalSection<TChild>(string name, SectionSchema<TChild> schema, TChild defaults, Func<T, TChild?> get, Func<T, TChild?, T> set)
        where TChild : class => Field(name, SpecCodecs.OptionalSection(schema, defaults), get, set);

    /// <summary><paramref name="current"/> with every field found in <paramref name="mapping"/> read into it.</summary>
    public T Read(MappingNode mapping, T current, string path, ProblemLog log)
    {
        foreach (var entry in mapping.Entries)
        {
            string fieldPath = SpecPath.Field(path, entry.Key);
            var field = _fields.Find(f => f.Name == entry.Key);
            if (field is null)
            {
                log.Add(fieldPath, UnknownField(entry.Key), entry.KeyPosition);
            }
            else
            {
                log.SetPosition(fieldPath, entry.KeyPosition);
                current = field.Read(current, entry.Value, fieldPath, log);
            }
        }

        return current;
    }

    /// <summary>Every field of <paramref name="value"/>, in order.</summary>
    public MappingNode Write(T value) => new(_fields.Select(f => new MappingEntry(f.Name, default, f.Write(value))).ToList());

    private string UnknownField(string key) => Suggestions.Closest(key, FieldNames) is { } suggestion
        ? $"unknown field; did you mean '{suggestion}'?"
        : $"unknown field; expected one of {string.Join(", ", FieldNames)}";
}
