using Npgsql;
using Ensemble.Silo.Hosting;
using Microsoft.Data.Sqlite;

namespace Ensemble.Silo.Execution;

/// <summary>
/// Retries a store call across a short outage (PostgreSQL restarting, SQLite busy) for up to one lease duration,
/// so a finished attempt is not thrown away because the store blinked.
/// </summary>
internal static class StoreRetry
{
    /// <summary>Runs <paramref name="call"/>, retrying transient store errors with a growing pause.</summary>
    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, SiloOptions settings, CancellationToken cancellationToken)
    {
        var deadline = settings.Clock.GetUtcNow() + settings.LeaseDuration;
        var pause = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e) && settings.Clock.GetUtcNow() + pause < deadline && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    /// <summary>Connection failures and lock contention: worth another try.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        NpgsqlException npgsql => npgsql.IsTransient || npgsql is PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "08006" or "08001" },
        SqliteException sqlite => sqlite.SqliteErrorCode is 5 or 6, // SQLITE_BUSY, SQLITE_LOCKED
        System.Net.Sockets.SocketException or TimeoutException or IOException => true,
        _ => e.InnerException is { } inner && IsTransient(inner),
    };
}
