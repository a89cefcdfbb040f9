using System.Globalization;
using Ensemble.Contracts;
using Ensemble.Contracts.Api;
using Ensemble.Contracts.Specs;
using Ensemble.Contracts.Runs;
using Ensemble.Grains.Runs;
using Ensemble.Silo.Runs;
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
        [FromServices] ApiOptions options)
    {
        var ct = context.RequestAborted;
        var body = await SpecBody.ReadAsync(context.Request, options.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        if (body.Error is not null) return body.Error;

        RunSnapshot run;
        try
        {
            run = await submitter.SubmitAsync(body.Bytes, body.Format!, ct).ConfigureAwait(false);
        }
        catch (RunSpecException exception)
        {
            return ApiResults.Json(ApiViews.Problem(exception), StatusCodes.Status400BadRequest);
        }

        var location = $"{SiloApiEndpointRouteBuilderExtensions.Prefix}/runs/{Uri.EscapeDataString(run.Run.RunId)}";
        context.Response.Headers.Location = location;
        return ApiResults.Json(ApiViews.Detail(run), StatusCodes.Status201Created);
    }

    /// <summary><c>GET /runs?limit=N</c>: the newest runs first.</summary>
    private static async Task<IResult> ListAsync(HttpContext context, [FromQuery] string? limit, [FromServices] RunCatalog runs)
    {
        var ct = context.RequestAborted;
        var count = DefaultLimit;
        if (limit is not null &&
            (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > MaxLimit))
        {
            return ApiResults.Problem(StatusCodes.Status400BadRequest, $"limit must be an integer from 1 to {MaxLimit}, got {UntrustedText.Quote(limit)}");
        }

        var listed = await runs.ListAsync(count, ct).ConfigureAwait(false);
        return ApiResults.Json(listed.Select(ApiViews.Summary).ToList());
    }

    /// <summary><c>GET /runs/{id}</c>: the run with its spec and tasks, or 404.</summary>
    private static async Task<IResult> GetAsync(string id, HttpContext context, [FromServices] RunCatalog runs)
    {
        var run = await runs.GetAsync(id, context.RequestAborted).ConfigureAwait(false);
        return run is null ? ApiResults.RunNotFound(id) : ApiResults.Json(ApiViews.Detail(run));
    }

    /// <summary><c>POST /runs/{id}/cancel</c>: the cancelled run, 404, or 409 when it had already finished.</summary>
    private static async Task<IResult> CancelAsync(string id, HttpContext context, [FromServices] RunCatalog runs)
    {
        var outcome = await runs.CancelUnlessFinishedAsync(id, context.RequestAborted).ConfigureAwait(false);
        if (outcome is not { } cancel) return ApiResults.RunNotFound(id);
        return cancel.Cancelled ? ApiResults.Json(ApiViews.Detail(cancel.Run)) : AlreadyFinished(cancel.Run.Run);
    }

    private static IResult AlreadyFinished(RunRecord run) => ApiResults.Problem(StatusCodes.Status409Conflict, ApiViews.AlreadyFinished(run));
}
