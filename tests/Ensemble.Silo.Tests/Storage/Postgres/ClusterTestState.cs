namespace Ensemble.Silo.Tests.Storage.Postgres;

/// <summary>The persistent state of <see cref="ClusterTestGrain"/>.</summary>
[GenerateSerializer]
public sealed class ClusterTestState
{
    /// <summary>The stored value.</summary>
    [Id(0)]
    public string? Value { get; set; }
}
