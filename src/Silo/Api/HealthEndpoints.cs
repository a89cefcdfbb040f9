using System.Globalization;
using Ensemble.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Ensemble.Silo.Api;

/// <summary>
/// <c>/healthz</c> (the process answers; touches nothing) and <c>/readyz</c> (the silo is an active member and its grain storage answers within
/// <see cref="ApiOptions.ReadyTimeout"/>). Both open without a token, for probes.
/// </summary>
internal static partial class HealthEndpoints
{
    /// <summary>Maps the endpoints onto the root of <paramref name="endpoints"/>.</summary>
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok\n", "text/plain"));
        endpoints.MapGet("/readyz", ReadyAsync);
    }

    private static async Task<IResult> ReadyAsync(HttpContext context, [FromServices] SiloReadiness readiness,
        [FromServices] ApiOptions options, [FromServices] ILoggerFactory loggers)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(options.ReadyTimeout);
        string reason;
        try
        {
            // WaitAsync as well as the token: a check stuck in a call that ignores cancellation still gets its answer in time.
            // On a thread of its own: a check that blocks its thread (the SQLite ping does its I/O synchronously behind its
            // async API) would otherwise hold the answer until it returned, however long that is; and a pool thread it held
            // would be one the answer, and the silo's grains, wait for (a stuck volume blocks one per probe).
            var problem = await Task.Factory.StartNew(() => readiness.ProblemAsync(timeout.Token), CancellationToken.None,
                    TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()
                .WaitAsync(options.ReadyTimeout, options.Clock, context.RequestAborted).ConfigureAwait(false);
            if (problem is null) return Results.Text("ready\n", "text/plain");
            reason = problem;
        }
        catch (Exception exception) when (exception is TimeoutException ||
                                          (exception is OperationCanceledException && !context.RequestAborted.IsCancellationRequested))
        {
            reason = $"it did not answer within {options.ReadyTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            reason = $"{exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")}";
        }

        LogNotReady(loggers.CreateLogger(typeof(HealthEndpoints).FullName!), reason);
        return ApiResults.Problem(StatusCodes.Status503ServiceUnavailable, $"the silo is not ready: {reason}");
    }
}
