namespace Ensemble.Contracts.Runs;

/// <summary>Something that happened to a run, in order (<paramref name="Id"/> increases).</summary>
/// <param name="Id">Position in the store's event sequence (0 before it is stored).</param>
/// <param name="RunId">The run.</param>
/// <param name="At">When.</param>
/// <param name="TaskId">The task, when it is about one.</param>
/// <param name="Kind">e.g. <c>run-submitted</c>, <c>task-placed</c>, <c>task-progress</c>, <c>task-succeeded</c>,
/// <c>task-retry</c>, <c>task-failed</c>, <c>task-lost</c>, <c>run-succeeded</c>, <c>run-failed</c>, <c>run-cancelled</c>.</param>
/// <param name="Message">One human-readable line.</param>
/// <param name="DataJson">Structured details (JSON), e.g. a progress record.</param>
[GenerateSerializer]
public sealed record RunEvent(long Id, string RunId, DateTimeOffset At, string? TaskId, string Kind, string Message, string? DataJson = null);
