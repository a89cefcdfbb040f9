namespace Ensemble.Grains.Execution;

/// <summary>The persistent state of a task grain: the newest attempt it started (its field 1, the silo's name, was dropped unread; stored states that have it still load).</summary>
[GenerateSerializer]
public sealed class TaskGrainState
{
    /// <summary>The fence of the newest attempt started here (0: none).</summary>
    [Id(0)]
    public long Fence { get; set; }
}
