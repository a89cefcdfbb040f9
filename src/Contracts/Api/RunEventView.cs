using System.Text.Json;

namespace Ensemble.Contracts.Api;

/// <summary>Something that happened to a run: the <c>data</c> of each <c>GET /api/v1/runs/{id}/events</c> server-sent event.</summary>
/// <param name="Id">Its position in the store's event sequence (increasing; the SSE <c>id</c>, so <c>Last-Event-ID</c> resumes after it).</param>
/// <param name="RunId">The run.</param>
/// <param name="At">When.</param>
/// <param name="TaskId">The task it is about, or null.</param>
/// <param name="Kind">e.g. <c>run-submitted</c>, <c>task-placed</c>, <c>task-progress</c>, <c>task-succeeded</c>, <c>task-retry</c>,
/// <c>task-failed</c>, <c>task-lost</c>, <c>run-succeeded</c>, <c>run-failed</c>, <c>run-cancelled</c> (the SSE <c>event</c>).</param>
/// <param name="Message">One human-readable line.</param>
/// <param name="Data">Structured details (a JSON value, e.g. a progress record), or null.</param>
public sealed record RunEventView(long Id, string RunId, DateTimeOffset At, string? TaskId, string Kind, string Message, JsonElement? Data);
