namespace Ensemble.Contracts.Runs;

/// <summary>A run as stored.</summary>
/// <param name="RunId">Its id.</param>
/// <param name="Name">The spec's name.</param>
/// <param name="SpecJson">The canonical spec.</param>
/// <param name="State">Where it is.</param>
/// <param name="TeachersMin">The teacher quorum.</param>
/// <param name="CreatedAt">When it was submitted.</param>
/// <param name="UpdatedAt">When its state last changed.</param>
/// <param name="Error">Why it failed, when it did.</param>
[GenerateSerializer]
public sealed record RunRecord(string RunId, string Name, string SpecJson, RunState State, int TeachersMin,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Error);
