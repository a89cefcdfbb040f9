using System.Net;
using System.Text.Json;
using Ensemble.Contracts.Api;
using Ensemble.Contracts.Grains;
using Ensemble.Silo.Api;
using Ensemble.Silo.Tests.Testing;

namespace Ensemble.Silo.Tests.Api;

/// <summary><c>/api/v1/runs/{id}/events</c> on a real silo: the run grain's event log as Server-Sent Events.</summary>
public sealed class EventStreamTests(EventStreamTests.Host fixture) : IClassFixture<EventStreamTests.Host>
{
    private static readonly ApiOptions _fast = new() { EventPollInterval = TimeSpan.FromMilliseconds(20) };
    private readonly ApiHost _host = fixture.Host;

    /// <summary>The silo these tests share, polling every 20 ms.</summary>
    public sealed class Host : ApiHostFixture
    {
        /// <inheritdoc/>
        protected override ApiOptions Options => _fast;
    }

    private static CancellationToken Within(int seconds = 10) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private const string ReadEvents = "IRunGrain.ReadEvents";

    private Task<(HttpResponseMessage Response, SseReader Reader)> OpenAsync(string path, string? lastEventId = null) => OpenAsync(_host, path, lastEventId);

    private static async Task<(HttpResponseMessage Response, SseReader Reader)> OpenAsync(ApiHost host, string path, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Within());
        return (response, new SseReader(await response.Content.ReadAsStreamAsync()));
    }

    [Fact]
    public async Task Stream_shows_the_submission_then_ends_after_the_cancellation()
    {
        var id = await _host.SubmitRunAsync();
        var (response, reader) = await OpenAsync($"/api/v1/runs/{id}/events");
        using var _ = response;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var submitted = (await reader.NextAsync(Within()))!;
        Assert.Equal("run-submitted", submitted.Event);
        var view = JsonSerializer.Deserialize<RunEventView>(submitted.Data!, ApiJson.Options)!;
        Assert.Equal((id, "run-submitted", submitted.Id), (view.RunId, view.Kind, view.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        // The run is still queued: the stream stays open until it is cancelled, then ends by itself.
        using (var cancel = await _host.Client.PostAsync($"/api/v1/runs/{id}/cancel", null)) Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var rest = await reader.ReadToEndAsync(Within());

        Assert.Equal("run-cancelled", rest[^1].Event);
        var ids = new[] { submitted }.Concat(rest).Select(f => long.Parse(f.Id!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ids.Order(), ids); // in order
        Assert.Equal(ids.Count, ids.Distinct().Count()); // each once
    }

    [Fact]
    public async Task Stream_shows_a_tasks_placement_start_and_progress_as_they_happen_and_nothing_from_a_stale_attempt()
    {
        var runner = new ScriptedRunner();
        await using var host = await ApiHost.StartAsync(_fast, slots: 1, runner: runner);
        var id = await host.SubmitRunAsync();
        var fence = (await runner.AttemptOfAsync(id, "teacher/0")).Assignment.Fence;
        var (response, reader) = await OpenAsync(host, $"/api/v1/runs/{id}/events");
        using var _ = response;
        Assert.Equal("run-submitted", (await reader.NextAsync(Within()))!.Event);
        var placed = (await reader.NextAsync(Within()))!;
        Assert.Equal("task-placed", placed.Event);
        var placedView = JsonSerializer.Deserialize<RunEventView>(placed.Data!, ApiJson.Options)!;
        Assert.Equal(("teacher/0", $"teacher/0: attempt 1 placed on silo test-silo, slot 0 (fence {fence})"), (placedView.TaskId, placedView.Message));

        var grain = host.Silo.Grains.GetGrain<IRunGrain>(id);
        Assert.True(await grain.AttemptStarted("teacher/0", fence, "teacher/0 starts"));
        Assert.True(await grain.ReportProgress("teacher/0", fence, """{"epoch":1,"loss":0.5}""", "teacher/0: epoch 1"));
        Assert.False(await grain.ReportProgress("teacher/0", fence - 1, """{"epoch":9}""", "from an attempt that was replaced"));

        Assert.Equal("task-started", (await reader.NextAsync(Within()))!.Event);
        var progress = (await reader.NextAsync(Within()))!;
        Assert.Equal("task-progress", progress.Event);
        var view = JsonSerializer.Deserialize<RunEventView>(progress.Data!, ApiJson.Options)!;
        Assert.Equal(("teacher/0", "teacher/0: epoch 1"), (view.TaskId, view.Message));
        Assert.Equal(1, view.Data!.Value.GetProperty("epoch").GetInt32());
        using (var cancel = await host.Client.PostAsync($"/api/v1/runs/{id}/cancel", null)) Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var rest = await reader.ReadToEndAsync(Within());
        Assert.Equal(["run-cancelled"], rest.Select(f => f.Event));
    }

    [Fact]
    public async Task Last_event_id_resumes_after_that_event()
    {
        var id = await _host.SubmitRunAsync();
        await _host.Runs.CancelAsync(id, CancellationToken.None);
        var (whole, reader) = await OpenAsync($"/api/v1/runs/{id}/events");
        var all = await reader.ReadToEndAsync(Within());
        whole.Dispose();
        Assert.True(all.Count >= 2, $"expected run-submitted and run-cancelled, got {all.Count} events");
        Assert.Equal("run-submitted", all[0].Event);
        Assert.Equal("run-cancelled", all[^1].Event);

        var (resumed, resumedReader) = await OpenAsync($"/api/v1/runs/{id}/events", lastEventId: all[0].Id);
        var after = await resumedReader.ReadToEndAsync(Within());
        resumed.Dispose();

        Assert.Equal(all.Skip(1).Select(f => (f.Id, f.Event, f.Data)), after.Select(f => (f.Id, f.Event, f.Data)));
    }

    [Fact]
    public async Task After_query_resumes_and_the_header_wins_over_it()
    {
        var id = await _host.SubmitRunAsync();
        await _host.Runs.CancelAsync(id, CancellationToken.None);
        var (whole, reader) = await OpenAsync($"/api/v1/runs/{id}/events");
        var all = await reader.ReadToEndAsync(Within());
        whole.Dispose();

        var (byQuery, queryReader) = await OpenAsync($"/api/v1/runs/{id}/events?after={all[0].Id}");
        Assert.Equal(all.Skip(1).Select(f => f.Id), (await queryReader.ReadToEndAsync(Within())).Select(f => f.Id));
        byQuery.Dispose();

        // A reconnecting EventSource sends Last-Event-ID; it is newer than the URL's ?after.
        var (both, bothReader) = await OpenAsync($"/api/v1/runs/{id}/events?after=0", lastEventId: all[^1].Id);
        Assert.Empty(await bothReader.ReadToEndAsync(Within()));
        both.Dispose();
    }

    [Fact]
    public async Task Quiet_stream_sends_keep_alive_comments()
    {
        await using var host = await ApiHost.StartAsync(_fast with { EventKeepAliveInterval = TimeSpan.FromMilliseconds(100) });
        var id = await host.SubmitRunAsync();
        using var response = await host.Client.GetAsync($"/api/v1/runs/{id}/events", HttpCompletionOption.ResponseHeadersRead, Within());
        var reader = new SseReader(await response.Content.ReadAsStreamAsync());

        Assert.Equal("run-submitted", (await reader.NextAsync(Within()))!.Event);
        var next = (await reader.NextAsync(Within()))!;

        Assert.Equal("keep-alive", next.Comment);
    }

    [Fact]
    public async Task Stream_stops_polling_when_the_client_goes_away()
    {
        var id = await _host.SubmitRunAsync();
        var (response, reader) = await OpenAsync($"/api/v1/runs/{id}/events");
        Assert.Equal("run-submitted", (await reader.NextAsync(Within()))!.Event);
        var opened = _host.Probe.CallsTo(ReadEvents);
        await Task.Delay(200);
        Assert.True(_host.Probe.CallsTo(ReadEvents) - opened >= 3, "the open stream polls the run grain");

        response.Dispose(); // the host's client drains nothing: this closes the connection
        // The server sees the close within moments, longer on a loaded machine: wait (up to 5 s) for a 100 ms window
        // without a poll (5 polls' time), then count over 25 polls' time.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        int before, afterClose;
        do
        {
            before = _host.Probe.CallsTo(ReadEvents);
            await Task.Delay(100);
            afterClose = _host.Probe.CallsTo(ReadEvents);
        }
        while (afterClose != before && DateTime.UtcNow < deadline);
        Assert.True(afterClose == before, "the stream still polled the run grain 5 s after its client went away");
        await Task.Delay(500); // 25 polls' time

        Assert.InRange(_host.Probe.CallsTo(ReadEvents) - afterClose, 0, 1);
    }

    [Fact]
    public async Task Streams_end_when_the_silo_shuts_down_so_shutdown_does_not_wait_for_them()
    {
        await using var host = await ApiHost.StartAsync(_fast);
        var id = await host.SubmitRunAsync();
        var (response, reader) = await OpenAsync(host, $"/api/v1/runs/{id}/events");
        using var _ = response;
        Assert.Equal("run-submitted", (await reader.NextAsync(Within()))!.Event);

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await host.StopServerAsync();

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(3), $"shutdown took {stopping.Elapsed}");
        Assert.Empty(await reader.ReadToEndAsync(Within()));
    }

    [Fact]
    public async Task Stream_of_an_unknown_run_answers_404_before_streaming()
    {
        using var response = await _host.Client.GetAsync("/api/v1/runs/nope/events");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("run 'nope' not found", (await response.ReadProblemAsync()).Error);
    }

    [Theory]
    [InlineData("Last-Event-ID", "abc")]
    [InlineData("Last-Event-ID", "-3")]
    [InlineData("after", "1.5")]
    public async Task Bad_resume_position_answers_400(string field, string value)
    {
        var id = await _host.SubmitRunAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get,
            field == "after" ? $"/api/v1/runs/{id}/events?after={value}" : $"/api/v1/runs/{id}/events");
        if (field != "after") request.Headers.TryAddWithoutValidation("Last-Event-ID", value);
        using var response = await _host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($"{field} must be a non-negative event id, got '{value}'", (await response.ReadProblemAsync()).Error);
    }
}
