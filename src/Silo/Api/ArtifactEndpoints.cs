using Ensemble.Contracts;
using Ensemble.Contracts.Api;
using Ensemble.Grains.Artifacts;
using Ensemble.Silo.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Ensemble.Silo.Api;

/// <summary><c>/api/v1/runs/{id}/artifacts</c>: list a run's artifacts and download one.</summary>
internal static class ArtifactEndpoints
{
    /// <summary>The header that carries the content's SHA-256 (lower-case hex) with a download.</summary>
    public const string Sha256Header = "X-Content-SHA256";

    /// <summary>Maps the endpoints onto <paramref name="api"/>.</summary>
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/runs/{id}/artifacts", ListAsync);
        api.MapGet("/runs/{id}/artifacts/{**name}", DownloadAsync);
    }

    /// <summary><c>GET /runs/{id}/artifacts</c>: the run's artifacts by name, or 404.</summary>
    private static async Task<IResult> ListAsync(string id, HttpContext context, [FromServices] RunCatalog runs)
    {
        var ct = context.RequestAborted;
        if (await runs.GetAsync(id, ct).ConfigureAwait(false) is null) return ApiResults.RunNotFound(id);
        var artifacts = await runs.ListArtifactsAsync(id, ct).ConfigureAwait(false);
        return ApiResults.Json(artifacts.Select(ApiViews.Artifact).ToList());
    }

    /// <summary>
    /// <c>GET /runs/{id}/artifacts/{name}</c>: the bytes, with <c>ETag</c> and <see cref="Sha256Header"/> (ranges and
    /// <c>If-None-Match</c> honoured); 400 for a name that could leave the run, 404 for an unknown run or artifact.
    /// </summary>
    private static async Task<IResult> DownloadAsync(string id, string name, HttpContext context, [FromServices] RunCatalog runs,
        [FromServices] ArtifactStore artifacts)
    {
        var ct = context.RequestAborted;
        name = DecodeSlashes(name);
        if (ArtifactNames.Problem(name) is { } problem)
        {
            return ApiResults.Problem(StatusCodes.Status400BadRequest, $"artifact name {UntrustedText.Quote(name)} {problem}");
        }

        if (await runs.GetAsync(id, ct).ConfigureAwait(false) is null) return ApiResults.RunNotFound(id);
        var artifact = await runs.GetArtifactAsync(id, name, ct).ConfigureAwait(false);
        if (artifact is null) return ApiResults.Problem(StatusCodes.Status404NotFound, $"run {UntrustedText.Quote(id)} has no artifact {UntrustedText.Quote(name)}");

        Stream content;
        try
        {
            content = artifacts.OpenRead(artifact);
        }
        catch (FileNotFoundException exception)
        {
            return ApiResults.Problem(StatusCodes.Status500InternalServerError, exception.Message);
        }

        context.Response.Headers[Sha256Header] = artifact.Sha256;
        return Results.Stream(content, "application/octet-stream", entityTag: new EntityTagHeaderValue($"\"{artifact.Sha256}\""),
            enableRangeProcessing: true);
    }

    /// <summary>
    /// The server decodes every escape in the path except <c>%2F</c> (so that it cannot split segments); a name sent
    /// with its slashes escaped means the same name, and is checked as such.
    /// </summary>
    private static string DecodeSlashes(string name) => name.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
}
