using System.Text.Json;

namespace Ensemble.Contracts.Api;

/// <summary>One run with its spec and every task: <c>GET /api/v1/runs/{id}</c>, and the answer to submit and cancel.</summary>
/// <param name="Id">The run's id.</param>
/// <param name="Name">The spec's name.</param>
/// <param name="State">Where the run is.</param>
/// <param name="CreatedAt">When it was submitted.</param>
/// <param name="UpdatedAt">When its state last changed.</param>
/// <param name="Error">Why it failed, when it did; otherwise null.</param>
/// <param name="TaskCounts">How many of its tasks are in each state.</param>
/// <param name="Spec">The canonical spec, as a JSON object (every field, defaults filled in).</param>
/// <param name="Tasks">Its tasks in plan order.</param>
public sealed record RunDetail(string Id, string Name, ApiRunState State, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    string? Error, TaskCounts TaskCounts, JsonElement Spec, IReadOnlyList<TaskView> Tasks);
