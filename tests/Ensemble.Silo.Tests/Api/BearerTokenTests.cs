using System.Net.Http.Headers;
using System.Net;
using Ensemble.Silo.Api;

namespace Ensemble.Silo.Tests.Api;

/// <summary>The API of a silo started with a token.</summary>
public sealed class BearerTokenTests(BearerTokenTests.Host fixture) : IClassFixture<BearerTokenTests.Host>
{
    private const string Token = "s3cret-token";
    private readonly ApiHost _host = fixture.Host;

    /// <summary>The silo these tests share, started with <see cref="Token"/>.</summary>
    public sealed class Host : ApiHostFixture
    {
        /// <inheritdoc/>
        protected override ApiOptions Options => new() { Token = Token };
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? authorization)
    {
        using var request = new HttpRequestMessage(method, path);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (method == HttpMethod.Post) request.Content = new StringContent(Specs.Yaml, MediaTypeHeaderValue.Parse("application/yaml"));
        return await _host.Client.SendAsync(request);
    }

    [Theory]
    [InlineData("GET", "/api/v1/runs")]
    [InlineData("POST", "/api/v1/runs")]
    [InlineData("GET", "/api/v1/runs/x")]
    [InlineData("GET", "/api/v1/runs/x/events")]
    [InlineData("POST", "/api/v1/runs/x/cancel")]
    [InlineData("GET", "/api/v1/runs/x/artifacts")]
    [InlineData("GET", "/api/v1/runs/x/artifacts/a/b.bin")]
    [InlineData("GET", "/api/v1/silos")]
    public async Task Every_api_endpoint_answers_401_without_a_token(string method, string path)
    {
        var before = await _host.RunCountAsync();
        using var response = await SendAsync(new HttpMethod(method), path, authorization: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Equal("missing bearer token", (await response.ReadProblemAsync()).Error);
        Assert.Equal(before, await _host.RunCountAsync());
    }

    [Theory]
    [InlineData("Bearer wrong-token")]
    [InlineData("Bearer s3cret-tokenX")]
    [InlineData("Bearer s3cret-toke")]
    [InlineData("Bearer S3CRET-TOKEN")]
    public async Task A_wrong_token_answers_401_invalid(string authorization)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/runs", authorization);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal(("Bearer", "error=\"invalid_token\""), (challenge.Scheme, challenge.Parameter));
        Assert.Equal("invalid bearer token", (await response.ReadProblemAsync()).Error);
    }

    [Theory]
    [InlineData("Basic czNjcmV0LXRva2Vu")]
    [InlineData("Bearer")]
    [InlineData("Bearer   ")]
    [InlineData("s3cret-token")]
    public async Task A_header_without_a_bearer_token_counts_as_missing(string authorization)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/runs", authorization);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("missing bearer token", (await response.ReadProblemAsync()).Error);
    }

    [Theory]
    [InlineData("Bearer s3cret-token")]
    [InlineData("bearer s3cret-token")]
    public async Task The_right_token_lets_requests_through(string authorization)
    {
        var before = await _host.RunCountAsync();
        using var submitted = await SendAsync(HttpMethod.Post, "/api/v1/runs", authorization);
        using var listed = await SendAsync(HttpMethod.Get, "/api/v1/runs", authorization);

        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(before + 1, await _host.RunCountAsync());
    }

    [Fact]
    public async Task Unknown_api_paths_are_guarded_too()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/anything", authorization: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
