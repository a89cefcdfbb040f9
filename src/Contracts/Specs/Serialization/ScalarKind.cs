namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>How a scalar was written, which decides what it may be read as.</summary>
internal enum ScalarKind
{
    /// <summary>Untyped text: a YAML plain scalar, or a JSON number, <c>true</c> or <c>false</c>.</summary>
    Plain,
    /// <summary>A quoted string (YAML quoted or block scalar, JSON string): text only, never a number.</summary>
    Quoted,
    /// <summary>No value: JSON <c>null</c>; YAML <c>null</c>, <c>~</c> or nothing.</summary>
    Null,
}
