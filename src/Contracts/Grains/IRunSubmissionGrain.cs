using Ensemble.Contracts.Runs;

namespace Ensemble.Contracts.Grains;

/// <summary>
/// Where clients submit specs (a stateless worker, key 0, on the silo they call): it validates a spec against that
/// silo's limits exactly as the HTTP API does, expands its plan and stores the run in a fresh run grain.
/// </summary>
public interface IRunSubmissionGrain : IGrainWithIntegerKey
{
    /// <summary>Validates and stores the spec in <paramref name="specJson"/>; a refused spec stores nothing and lists every problem.</summary>
    Task<SubmissionOutcome> Submit(string specJson);
}
