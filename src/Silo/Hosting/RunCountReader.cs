using Ensemble.Contracts.Grains;
using Ensemble.Grains.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ensemble.Silo.Hosting;

/// <summary>Reads the run index for the run and task gauges every <paramref name="interval"/>, so a scrape never calls a grain.</summary>
internal sealed partial class RunCountReader(IGrainFactory grains, SiloMetrics metrics, TimeSpan interval, ILogger<RunCountReader> logger) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                metrics.IndexRead(await grains.GetGrain<IRunIndexGrain>(0).Entries().WaitAsync(stoppingToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogReadFailed(e.Message);
            }

            try
            {
                await Task.Delay(interval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting runs for metrics failed: {Error}")]
    private partial void LogReadFailed(string error);
}
