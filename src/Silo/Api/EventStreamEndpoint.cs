using System.Globalization;
using System.Text;
using System.Text.Json;
using Ensemble.Contracts;
using Ensemble.Contracts.Api;
using Ensemble.Contracts.Runs;
using Ensemble.Silo.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Ensemble.Silo.Api;

/// <summary>
/// <c>GET /api/v1/runs/{id}/events</c>: the run's events as Server-Sent Events (<c>id</c>, <c>event</c> = kind,
/// <c>data</c> = <see cref="RunEventView"/>), resuming after <c>Last-Event-ID</c> or <c>?after=N</c>, polling the
/// store, sending a <c>: keep-alive</c> comment when quiet, and ending once the run is finished and every event sent
/// (or when the silo stops).
/// </summary>
internal static class EventStreamEndpoint
{
    /// <summary>The most events read from the store at once.</summary>
    private const int BatchSize = 500;

    /// <summary>Maps the endpoint onto <paramref name="api"/>.</summary>
    public static void Map(RouteGroupBuilder api) => api.MapGet("/runs/{id}/events", StreamAsync);

    private static async Task<IResult> StreamAsync(string id, HttpContext context, [FromQuery] string? after,
        [FromServices] RunCatalog runs, [FromServices] ApiOptions options, [FromServices] IHostApplicationLifetime lifetime)
    {
        var ct = context.RequestAborted;
        var lastEventId = context.Request.Headers["Last-Event-ID"].ToString();
        var (resumeFrom, resumeField) = lastEventId.Length > 0 ? (lastEventId, "Last-Event-ID") : (after, "after");
        long afterId = 0;
        if (resumeFrom is not null &&
            (!long.TryParse(resumeFrom, NumberStyles.None, CultureInfo.InvariantCulture, out afterId) || afterId < 0))
        {
            return ApiResults.Problem(StatusCodes.Status400BadRequest, $"{resumeField} must be a non-negative event id, got {UntrustedText.Quote(resumeFrom)}");
        }

        if (await runs.GetAsync(id, ct).ConfigureAwait(false) is null) return ApiResults.RunNotFound(id);

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(ct).ConfigureAwait(false);

        // A stream also ends when the silo shuts down, so that shutdown does not wait for watchers; they resume elsewhere.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, lifetime.ApplicationStopping);
        ct = stop.Token;
        var clock = options.Clock;
        var lastWrite = clock.GetTimestamp();
        try
        {
            while (true)
            {
                // The state is read before the events: the event that finishes a run is stored with its state,
                // so once the run is seen finished, one more read has every event there will be.
                var run = await runs.GetAsync(id, ct).ConfigureAwait(false);
                var finished = run is null || run.Run.State.ToApi().IsTerminal();
                var batch = await runs.ReadEventsAsync(id, afterId, BatchSize, ct).ConfigureAwait(false);
                if (batch.Count > 0)
                {
                    await response.WriteAsync(Format(batch), ct).ConfigureAwait(false);
                    await response.Body.FlushAsync(ct).ConfigureAwait(false);
                    afterId = batch[^1].Id;
                    lastWrite = clock.GetTimestamp();
                }

                if (batch.Count == BatchSize) continue;
                if (finished) break;

                if (clock.GetElapsedTime(lastWrite) >= options.EventKeepAliveInterval)
                {
                    await response.WriteAsync(": keep-alive\n\n", ct).ConfigureAwait(false);
                    await response.Body.FlushAsync(ct).ConfigureAwait(false);
                    lastWrite = clock.GetTimestamp();
                }

                await Task.Delay(options.EventPollInterval, clock, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away, or the silo is stopping.
        }

        return Results.Empty;
    }

    /// <summary>The SSE frames of <paramref name="events"/>: <c>id: …\nevent: …\ndata: {json}\n\n</c> each.</summary>
    internal static string Format(IEnumerable<RunEvent> events)
    {
        var text = new StringBuilder();
        foreach (var runEvent in events)
        {
            // JSON written compactly has no raw line breaks, so the data is one line; the kind is made one too.
            text.Append("id: ").Append(runEvent.Id.ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append("event: ").Append(runEvent.Kind.ReplaceLineEndings(" ")).Append('\n')
                .Append("data: ").Append(JsonSerializer.Serialize(ApiViews.Event(runEvent), ApiJson.Options)).Append("\n\n");
        }

        return text.ToString();
    }
}
