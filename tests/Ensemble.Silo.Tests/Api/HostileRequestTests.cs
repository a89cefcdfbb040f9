using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Ensemble.Contracts.Api;
using Ensemble.Silo.Api;

namespace Ensemble.Silo.Tests.Api;

/// <summary>
/// Requests built to hurt a silo: each gets a named 4xx, nothing is stored, and the same silo still answers
/// <c>/healthz</c> and accepts a valid run afterwards.
/// </summary>
public sealed class HostileRequestTests(HostileRequestTests.Host fixture) : IClassFixture<HostileRequestTests.Host>
{
    private readonly ApiHost _host = fixture.Host;

    /// <summary>The silo these tests share, started with a token.</summary>
    public sealed class Host : ApiHostFixture
    {
        /// <inheritdoc/>
        protected override ApiOptions Options => new() { Token = "s3cret" };
    }

    /// <summary>Hostile specs: the nesting that overflowed the silo's stack, an alias bomb, a huge run, odd tags and escapes.</summary>
    public static TheoryData<string, string, string, string> HostileSpecs => new()
    {
        { "application/yaml", string.Concat(Enumerable.Repeat("[", 100_000)), "[0][0]", "nesting deeper than the limit of 32 levels" },
        { "application/json", string.Concat(Enumerable.Repeat("{\"a\":", 100_000)), "a.a", "nesting deeper than the limit of 32 levels" },
        { "application/yaml", "a: &a [1, 1]\nb: [*a, *a]\n", "a", "anchors (&a) are not supported; write the value out" },
        { "application/yaml", "teachers:\n  count: 100000\n", "teachers.count", "100000 is over the limit of 64" },
        { "application/yaml", "teachers: {training: {epochs: 1000000000}}\n", "teachers.training.epochs", "1000000000 is over the limit of 1000" },
        { "application/yaml", "seed: !x 1\n", "seed", "unsupported tag '!x'; a spec uses plain values (or !!str)" },
        { "application/json", "{\"name\": \"\\udc00\"}", "name", "the string is not valid Unicode: an escape such as \\ud800 leaves half a surrogate pair" },
        { "application/yaml", "seed: [" + string.Join(",", Enumerable.Repeat("1", 20_000)) + "]", "seed[9998]", "the document has more than the limit of 10000 nodes" },
    };

    /// <summary>Each hostile spec is a 400 naming the field and the limit; the silo then serves health and a valid run.</summary>
    [Theory]
    [MemberData(nameof(HostileSpecs))]
    public async Task Submit_HostileSpec_Answers400ByField_AndTheSiloServesOn(string contentType, string body, string pathStart, string message)
    {
        var before = await _host.RunCountAsync();
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/runs", new StringContent(body, Encoding.UTF8, contentType));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.ReadProblemAsync()).Problems[0];
        Assert.StartsWith(pathStart, problem.Path, StringComparison.Ordinal);
        Assert.Equal(message, problem.Message);
        Assert.True(problem.Line >= 1, $"{problem.Path}: no line");
        await AssertServesOnAsync(expectedRuns: before);
    }

    /// <summary>A body in another charset is 415 naming the charset.</summary>
    [Fact]
    public async Task Submit_Utf16Charset_Answers415NamingTheCharset()
    {
        var before = await _host.RunCountAsync();
        var content = new ByteArrayContent(Encoding.Unicode.GetBytes("seed: 1\n"));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/yaml; charset=utf-16");
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/runs", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("unsupported charset 'utf-16': send the spec as UTF-8", (await response.ReadProblemAsync()).Error);
        await AssertServesOnAsync(expectedRuns: before);
    }

    /// <summary>A body over the limit is 413 naming the limit, whether it declares its length or streams it.</summary>
    [Fact]
    public async Task Submit_BodyOverLimit_Answers413NamingTheLimit()
    {
        var before = await _host.RunCountAsync();
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/runs", new StringContent("# " + new string('x', 2 << 20), Encoding.UTF8, "application/yaml"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("the request body is larger than the limit of 1048576 bytes", (await response.ReadProblemAsync()).Error);
        await AssertServesOnAsync(expectedRuns: before);
    }

    /// <summary>A <c>Last-Event-ID</c> of control bytes and kilobytes is refused, echoed cut short and escaped.</summary>
    [Fact]
    public async Task Events_HostileLastEventId_Answers400WithBoundedEscapedEcho()
    {
        var id = await SubmitValidAsync();
        var before = await _host.RunCountAsync();
        var (status, body) = await RawAsync($"GET /api/v1/runs/{id}/events HTTP/1.1", "Authorization: Bearer s3cret", "Last-Event-ID: 1\x01" + new string('9', 4000));

        Assert.Equal(400, status);
        Assert.True(body.Length < 400, body);
        // The body may come chunked: the JSON object is what lies between the outer braces.
        var json = body[body.IndexOf('{', StringComparison.Ordinal)..(body.LastIndexOf('}') + 1)];
        var error = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("error").GetString();
        Assert.Equal($"Last-Event-ID must be a non-negative event id, got '1\\u0001{new string('9', 62)}…' (4002 characters)", error);
        await AssertServesOnAsync(expectedRuns: before);
    }

    /// <summary>A huge or odd <c>limit</c> query and a huge run id are refused with a bounded echo.</summary>
    [Fact]
    public async Task Queries_HostileValues_Answer4xxWithBoundedEcho()
    {
        var before = await _host.RunCountAsync();
        using var limit = await SendAsync(HttpMethod.Get, "/api/v1/runs?limit=" + new string('9', 3000));
        using var run = await SendAsync(HttpMethod.Get, "/api/v1/runs/" + new string('r', 3000));

        Assert.Equal(HttpStatusCode.BadRequest, limit.StatusCode);
        Assert.Equal($"limit must be an integer from 1 to 1000, got '{new string('9', 64)}…' (3000 characters)", (await limit.ReadProblemAsync()).Error);
        Assert.Equal(HttpStatusCode.NotFound, run.StatusCode);
        Assert.Equal($"run '{new string('r', 64)}…' (3000 characters) not found", (await run.ReadProblemAsync()).Error);
        await AssertServesOnAsync(expectedRuns: before);
    }

    /// <summary>Tokens of odd bytes (controls, Latin-1, a long run, none) are 401 or a 400 from the server, never a crash.</summary>
    [Theory]
    [InlineData("Bearer s3cret\x01")]
    [InlineData("Bearer \x7f\x7f")]
    [InlineData("Bearer s3cr\u00e9t")]
    [InlineData("Bearer ")]
    [InlineData("Basic czNjcmV0")]
    public async Task Token_WithOddBytes_IsRefused_AndTheSiloServesOn(string authorization)
    {
        var before = await _host.RunCountAsync();
        var (status, _) = await RawAsync("GET /api/v1/runs HTTP/1.1", $"Authorization: {authorization}");

        Assert.True(status is 400 or 401, $"status {status}");
        await AssertServesOnAsync(expectedRuns: before);
    }

    /// <summary>A token of many kilobytes is refused without a crash.</summary>
    [Fact]
    public async Task Token_ManyKilobytes_IsRefused()
    {
        var before = await _host.RunCountAsync();
        var (status, _) = await RawAsync("GET /api/v1/runs HTTP/1.1", "Authorization: Bearer " + new string('t', 20_000));

        Assert.True(status is 400 or 401 or 431, $"status {status}");
        await AssertServesOnAsync(expectedRuns: before);
    }

    /// <summary>The silo answers health, holds exactly <paramref name="expectedRuns"/> runs (nothing hostile stored), and takes a valid run.</summary>
    private async Task AssertServesOnAsync(int expectedRuns)
    {
        using var health = await _host.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        // Nothing the hostile request sent was stored.
        Assert.Equal(expectedRuns, await _host.RunCountAsync());
        await SubmitValidAsync();
    }

    private async Task<string> SubmitValidAsync()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/runs", new StringContent(Specs.Yaml, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync<RunDetail>()).Id;
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string target, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, target) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");
        return _host.Client.SendAsync(request);
    }

    /// <summary>Sends a request line and headers byte for byte (Latin-1, so odd characters go out as single bytes).</summary>
    private async Task<(int Status, string Body)> RawAsync(string requestLine, params string[] headers)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_host.BaseAddress.Host, _host.BaseAddress.Port);
        var stream = tcp.GetStream();
        var head = $"{requestLine}\r\nHost: {_host.BaseAddress.Authority}\r\n{string.Concat(headers.Select(h => h + "\r\n"))}Connection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head));
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var text = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync(cancel.Token);
        var status = int.Parse(text.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (status, split < 0 ? "" : text[(split + 4)..]);
    }
}
