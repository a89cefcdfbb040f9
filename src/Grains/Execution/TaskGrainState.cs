namespace Ensemble.Grains.Execution;

/// <summary>The persistent state of a task grain: the newest attempt it started.</summary>
[GenerateSerializer]
public sealed class TaskGrainState
{
    /// <summary>The fence of the newest attempt started here (0: none).</summary>
    [Id(0)]
    public long Fence { get; set; }

    /// <summary>Where that attempt ran.</summary>
    [Id(1)]
    public string? Silo { get; set; }
}
