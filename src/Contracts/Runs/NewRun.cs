namespace Ensemble.Contracts.Runs;

/// <summary>A run to create, with its whole task graph, in one transaction.</summary>
/// <param name="RunId">Unique id (URL-safe).</param>
/// <param name="Name">The spec's name.</param>
/// <param name="SpecJson">The canonical spec, as JSON.</param>
/// <param name="Tasks">The graph, every task after its dependencies.</param>
/// <param name="TeachersMin">How many <c>teacher</c> tasks must succeed for the run to go on without the others.</param>
/// <param name="MaxAttempts">Attempts each task gets before it fails for good.</param>
[GenerateSerializer]
public sealed record NewRun(string RunId, string Name, string SpecJson, IReadOnlyList<NewTask> Tasks, int TeachersMin, int MaxAttempts);
