using Ensemble.Contracts.Specs;

namespace Ensemble.Contracts.Runs;

/// <summary>What a submitted spec became: the stored run, or every problem that kept it from being stored.</summary>
/// <param name="Run">The run and its tasks; null when the spec was refused.</param>
/// <param name="Problems">Every problem with the spec, by field; empty when it was stored.</param>
[GenerateSerializer]
public sealed record SubmissionOutcome(RunSnapshot? Run, IReadOnlyList<SpecProblem> Problems);
