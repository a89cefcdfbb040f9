namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>One field of a <see cref="MappingNode"/>: its key, where the key is, and its value.</summary>
internal sealed record MappingEntry(string Key, SourcePosition KeyPosition, SpecNode Value);
