using Ensemble.Silo.Tests.Testing;

namespace Ensemble.Silo.Tests.Runs;

/// <summary>A silo without slots, shared by the tests of a class that place nothing (each uses its own run ids).</summary>
public sealed class IdleSilo : IAsyncLifetime
{
    private TestSilo? _silo;

    internal TestSilo Silo => _silo ?? throw new InvalidOperationException("the silo has not started");

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(slots: 0);

    public async Task DisposeAsync()
    {
        if (_silo is not null) await _silo.DisposeAsync();
    }
}
