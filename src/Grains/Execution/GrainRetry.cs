namespace Ensemble.Grains.Execution;

/// <summary>
/// Retries a grain call that failed because the cluster was moving (a silo died and the grain is re-activating
/// elsewhere, a storage write timed out), for at most a window; what the callee refused on purpose is not retried.
/// </summary>
internal static class GrainRetry
{
    /// <summary>Runs <paramref name="call"/>, retrying transient failures with back-off for up to <paramref name="window"/>.</summary>
    public static async Task<T> RunAsync<T>(Func<Task<T>> call, TimeSpan window, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + window;
        var pause = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e) && DateTimeOffset.UtcNow + pause < deadline && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    /// <summary>Orleans' runtime failures (unavailable silo, rejected or timed-out message, storage trouble) and I/O; not argument or state errors a grain threw on purpose.</summary>
    private static bool IsTransient(Exception e) => e switch
    {
        ArgumentException or InvalidOperationException or OperationCanceledException => false,
        OrleansException or TimeoutException or IOException or System.Net.Sockets.SocketException => true,
        _ => e.InnerException is { } inner && IsTransient(inner),
    };
}
