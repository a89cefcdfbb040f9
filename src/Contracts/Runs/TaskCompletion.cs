namespace Ensemble.Contracts.Runs;

/// <summary>What a finished attempt records, in the same transaction that makes its dependents ready.</summary>
/// <param name="ResultJson">The task's result (JSON).</param>
/// <param name="Artifacts">The files it produced, already durable in the artifact store.</param>
[GenerateSerializer]
public sealed record TaskCompletion(string ResultJson, IReadOnlyList<ArtifactRecord> Artifacts);
