namespace Ensemble.Silo.Tests.Store;

/// <summary>A clock that moves only when a test says so, so leases lapse and back-offs pass without sleeping.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _now = start;

    public DateTimeOffset Now
    {
        get { lock (_gate) return _now; }
    }

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by)
    {
        lock (_gate) _now += by;
    }
}
