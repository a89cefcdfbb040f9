using System.Net.Http.Json;
using Ensemble.Contracts.Api;

namespace Ensemble.Silo.Tests.Api;

internal static class HttpResponseExtensions
{
    /// <summary>The body read with the API's own JSON options (as the CLI will read it).</summary>
    public static async Task<T> ReadJsonAsync<T>(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>(ApiJson.Options))!;

    /// <summary>The body as an <see cref="ApiProblem"/>, after checking it is JSON.</summary>
    public static async Task<ApiProblem> ReadProblemAsync(this HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.ReadJsonAsync<ApiProblem>();
    }
}
