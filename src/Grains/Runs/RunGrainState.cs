using Ensemble.Contracts.Runs;

namespace Ensemble.Grains.Runs;

/// <summary>The persistent state of a <see cref="RunGrain"/>: the run, its tasks, artifacts and event log.</summary>
[GenerateSerializer]
public sealed class RunGrainState
{
    /// <summary>The run; null before it was submitted.</summary>
    [Id(0)]
    public RunRecord? Run { get; set; }

    /// <summary>Its tasks in plan order.</summary>
    [Id(1)]
    public List<TaskRecord> Tasks { get; set; } = [];

    /// <summary>Its recorded artifacts by name.</summary>
    [Id(2)]
    public Dictionary<string, ArtifactRecord> Artifacts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Its events, oldest first.</summary>
    [Id(3)]
    public List<RunEvent> Events { get; set; } = [];

    /// <summary>Attempts each task gets.</summary>
    [Id(4)]
    public int MaxAttempts { get; set; }

    /// <summary>The address of the silo running each running task (membership says whether it still lives).</summary>
    [Id(5)]
    public Dictionary<string, SiloAddress> RunningOn { get; set; } = new(StringComparer.Ordinal);
}
