namespace Ensemble.Silo.Store;

/// <summary>What a heartbeat learned about a lease.</summary>
public enum LeaseStatus
{
    /// <summary>Still held; renewed.</summary>
    Held,

    /// <summary>Lost: it expired and was taken, or the fence moved on. Stop without writing.</summary>
    Lost,

    /// <summary>The run was cancelled. Stop without writing.</summary>
    Cancelled,
}
