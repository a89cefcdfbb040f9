namespace Ensemble.Grains.Placement;

/// <summary>Every slot of every silo is taken: the task stays ready and its run places it again later.</summary>
[GenerateSerializer]
public sealed class NoFreeSlotException : Exception
{
    /// <summary>An exception saying no slot was free for <paramref name="grain"/>.</summary>
    public NoFreeSlotException(string grain) : base($"no free task slot for {grain}; it waits for one")
    {
    }

    /// <summary>An exception with <paramref name="message"/>.</summary>
    public NoFreeSlotException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>An exception with no message.</summary>
    public NoFreeSlotException()
    {
    }
}
