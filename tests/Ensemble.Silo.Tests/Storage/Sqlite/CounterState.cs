namespace Ensemble.Silo.Tests.Storage.Sqlite;

/// <summary>The persisted state of a <see cref="CounterGrain"/>.</summary>
[GenerateSerializer]
public sealed class CounterState
{
    /// <summary>The running total.</summary>
    [Id(0)]
    public int Count { get; set; }

    /// <summary>Every amount added, in order.</summary>
    [Id(1)]
    public List<int> History { get; set; } = [];
}
