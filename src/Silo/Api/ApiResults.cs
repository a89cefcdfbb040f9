using Ensemble.Contracts;
using Ensemble.Contracts.Api;
using Microsoft.AspNetCore.Http;

namespace Ensemble.Silo.Api;

/// <summary>The API's responses: bodies in <see cref="ApiJson.Options"/>, every error an <see cref="ApiProblem"/>.</summary>
internal static class ApiResults
{
    /// <summary><paramref name="value"/> as JSON with <paramref name="statusCode"/>.</summary>
    public static IResult Json<T>(T value, int statusCode = StatusCodes.Status200OK) =>
        Results.Json(value, ApiJson.Options, ApiJson.MediaType, statusCode);

    /// <summary>An <see cref="ApiProblem"/> saying <paramref name="error"/>.</summary>
    public static IResult Problem(int statusCode, string error) => Json(ApiProblem.Of(error), statusCode);

    /// <summary>404: no run with that id.</summary>
    public static IResult RunNotFound(string runId) => Problem(StatusCodes.Status404NotFound, ApiViews.RunNotFound(runId));
}
