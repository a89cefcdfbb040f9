using System.Text.Json;

namespace Ensemble.Contracts.Api;

/// <summary>One task of a run, as <see cref="RunDetail.Tasks"/> lists it.</summary>
/// <param name="Id">Its id within the run, e.g. <c>teacher/0</c>.</param>
/// <param name="Kind">What it does: <c>teacher</c>, <c>cluster</c>, <c>specialist</c>, <c>aggregate</c>, <c>distill</c>, <c>report</c>, …</param>
/// <param name="Index">The member or specialist index; 0 for single tasks.</param>
/// <param name="State">Where it is.</param>
/// <param name="Attempt">Attempts started so far (0 before the first).</param>
/// <param name="MaxAttempts">Attempts allowed.</param>
/// <param name="Silo">The silo running it, while running; otherwise null.</param>
/// <param name="NotBefore">Its earliest next start (retry back-off); otherwise null.</param>
/// <param name="Progress">The last progress the running attempt reported (a JSON object), or null.</param>
/// <param name="Result">The result recorded when it succeeded (a JSON object), or null.</param>
/// <param name="Error">The last failed attempt's error, or null.</param>
/// <param name="StartedAt">When the current or last attempt started, or null.</param>
/// <param name="FinishedAt">When it reached a final state, or null.</param>
/// <param name="DependsOn">The ids of the tasks it waits for.</param>
public sealed record TaskView(string Id, string Kind, int Index, ApiTaskState State, int Attempt, int MaxAttempts,
    string? Silo, DateTimeOffset? NotBefore, JsonElement? Progress, JsonElement? Result,
    string? Error, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, IReadOnlyList<string> DependsOn);
