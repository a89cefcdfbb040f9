namespace Ensemble.Contracts.Api;

/// <summary>A run in a list: <c>GET /api/v1/runs</c>.</summary>
/// <param name="Id">The run's id.</param>
/// <param name="Name">The spec's name.</param>
/// <param name="State">Where the run is.</param>
/// <param name="CreatedAt">When it was submitted.</param>
/// <param name="UpdatedAt">When its state last changed.</param>
/// <param name="Error">Why it failed, when it did; otherwise null.</param>
/// <param name="TaskCounts">How many of its tasks are in each state.</param>
public sealed record RunSummary(string Id, string Name, ApiRunState State, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    string? Error, TaskCounts TaskCounts);
