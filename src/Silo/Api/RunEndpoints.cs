using System.Globalization;
using Ensemble.Contracts;
using Ensemble.Contracts.Api;
using Ensemble.Contracts.Specs;
using Ensemble.Silo.Runs;
using Ensemble.Silo.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Ensemble.Silo.Api;

/// <summary><c>/api/v1/runs</c>: submit, list, read and cancel runs.</summary>
internal static class RunEndpoints
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 1000;

    /// <summary>Maps the endpoints onto <paramref name="api"/>.</summary>
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/runs", SubmitAsync);
        api.MapGet("/runs", ListAsync);
        api.MapGet("/runs/{id}", GetAsync);
        api.MapPost("/runs/{id}/cancel", CancelAsync);
    }

    /// <summary><c>POST /runs</c>: 201 with the stored run, 400 listing every spec problem, 413, 415.</summary>
    private static async Task<IResult> SubmitAsync(HttpContext context, [FromServices] RunSubmitter submitter,
        [FromServices] ITaskStore store, [FromServices] ApiOptions options)
    {
        var ct = context.RequestAborted;
        var body = await SpecBody.ReadAsync(context.Request, options.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        if (body.Error is not null) return body.Error;

        RunRecord run;
        try
        {
            run = await submitter.SubmitAsync(body.Bytes, body.Format!, ct).ConfigureAwait(false);
        }
        catch (RunSpecException exception)
        {
            return ApiResults.Json(ApiViews.Problem(exception), StatusCodes.Status400BadRequest);
        }

        var tasks = await store.GetTasksAsync(run.RunId, ct).ConfigureAwait(false);
        var location = $"{SiloApiEndpointRouteBuilderExtensions.Prefix}/runs/{Uri.EscapeDataString(run.RunId)}";
        context.Response.Headers.Location = location;
        return ApiResults.Json(ApiViews.Detail(run, tasks), StatusCodes.Status201Created);
    }

    /// <summary><c>GET /runs?limit=N</c>: the newest runs first.</summary>
    private static async Task<IResult> ListAsync(HttpContext context, [FromQuery] string? limit, [FromServices] ITaskStore store)
    {
        var ct = context.RequestAborted;
        var count = DefaultLimit;
        if (limit is not null &&
            (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > MaxLimit))
        {
            return ApiResults.Problem(StatusCodes.Status400BadRequest, $"limit must be an integer from 1 to {MaxLimit}, got {UntrustedText.Quote(limit)}");
        }

        var runs = await store.ListRunsAsync(count, ct).ConfigureAwait(false);
        var summaries = new List<RunSummary>(runs.Count);
        foreach (var run in runs)
        {
            summaries.Add(ApiViews.Summary(run, await store.GetTasksAsync(run.RunId, ct).ConfigureAwait(false)));
        }

        return ApiResults.Json(summaries);
    }

    /// <summary><c>GET /runs/{id}</c>: the run with its spec and tasks, or 404.</summary>
    private static async Task<IResult> GetAsync(string id, HttpContext context, [FromServices] ITaskStore store)
    {
        var ct = context.RequestAborted;
        var run = await store.GetRunAsync(id, ct).ConfigureAwait(false);
        if (run is null) return ApiResults.RunNotFound(id);
        return ApiResults.Json(ApiViews.Detail(run, await store.GetTasksAsync(id, ct).ConfigureAwait(false)));
    }

    /// <summary><c>POST /runs/{id}/cancel</c>: the cancelled run, 404, or 409 when it had already finished.</summary>
    private static async Task<IResult> CancelAsync(string id, HttpContext context, [FromServices] ITaskStore store)
    {
        var ct = context.RequestAborted;
        var run = await store.GetRunAsync(id, ct).ConfigureAwait(false);
        if (run is null) return ApiResults.RunNotFound(id);
        if (run.State.ToApi().IsTerminal()) return AlreadyFinished(run);

        run = await store.CancelRunAsync(id, ct).ConfigureAwait(false);
        if (run is null) return ApiResults.RunNotFound(id);
        // It may have finished on its own between the read and the cancel.
        if (run.State != RunState.Cancelled) return AlreadyFinished(run);
        return ApiResults.Json(ApiViews.Detail(run, await store.GetTasksAsync(id, ct).ConfigureAwait(false)));
    }

    private static IResult AlreadyFinished(RunRecord run) =>
        ApiResults.Problem(StatusCodes.Status409Conflict, $"run '{run.RunId}' has already finished: it is {run.State.ToApi().ToWire()}");
}
