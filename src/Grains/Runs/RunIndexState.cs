using Ensemble.Contracts.Runs;

namespace Ensemble.Grains.Runs;

/// <summary>The persistent state of <see cref="RunIndexGrain"/>.</summary>
[GenerateSerializer]
public sealed class RunIndexState
{
    /// <summary>Every run's entry by id.</summary>
    [Id(0)]
    public Dictionary<string, RunIndexEntry> Runs { get; set; } = new(StringComparer.Ordinal);
}
