using Ensemble.Contracts.Grains;
using Ensemble.Contracts.Runs;
using Ensemble.Contracts.Specs;
using Orleans.Concurrency;

namespace Ensemble.Grains.Runs;

/// <summary>The <see cref="IRunSubmissionGrain"/>: the silo's <see cref="RunSubmitter"/>, with a refused spec as an answer rather than an exception.</summary>
[StatelessWorker]
public sealed class RunSubmissionGrain(RunSubmitter submitter) : Grain, IRunSubmissionGrain
{
    /// <inheritdoc/>
    public async Task<SubmissionOutcome> Submit(string specJson)
    {
        ArgumentNullException.ThrowIfNull(specJson);
        try
        {
            var run = await submitter.SubmitAsync(specJson, RunSpecReader.Json, CancellationToken.None).ConfigureAwait(true);
            return new SubmissionOutcome(run, []);
        }
        catch (RunSpecException e)
        {
            return new SubmissionOutcome(null, e.Problems);
        }
    }
}
