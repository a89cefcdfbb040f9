using Ensemble.Silo.Api;

namespace Ensemble.Silo.Tests.Api;

/// <summary>
/// One <see cref="ApiHost"/> shared by the tests of a class (a silo takes a second or two to start): they run one at a
/// time, and each asserts only on the runs it submitted itself.
/// </summary>
public abstract class ApiHostFixture : IAsyncLifetime
{
    private ApiHost? _host;

    internal ApiHost Host => _host ?? throw new InvalidOperationException("the fixture is not initialized");

    /// <summary>The API's options (null: the host's own).</summary>
    protected virtual ApiOptions? Options => null;

    /// <inheritdoc/>
    public async Task InitializeAsync() => _host = await ApiHost.StartAsync(Options);

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}
