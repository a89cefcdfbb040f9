namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>Reads a value from a node; on failure logs every problem by path and returns false.</summary>
/// <param name="node">The node to read.</param>
/// <param name="current">The value so far (the default), which a section overlays with the fields it finds.</param>
/// <param name="path">The field's path, for problems.</param>
/// <param name="log">Where problems go.</param>
/// <param name="value">The value read; <paramref name="current"/> when it could not be read.</param>
internal delegate bool SpecRead<T>(SpecNode node, T current, string path, ProblemLog log, out T value);
