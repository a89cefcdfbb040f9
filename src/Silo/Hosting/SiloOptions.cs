namespace Ensemble.Silo.Hosting;

/// <summary>How a silo runs: where its store and artifacts are, how many slots it has, how it leases work.</summary>
public sealed record SiloOptions
{
    /// <summary>The task store: <c>sqlite:PATH</c> or <c>postgres://user:password@host:port/database</c>.</summary>
    public required string Store { get; init; }

    /// <summary>The artifact directory (local, or a volume every silo shares).</summary>
    public required string Artifacts { get; init; }

    /// <summary>This silo's id. Null: <c>host-pid</c>. A stable id (given explicitly) lets a restarted silo take back its own leases at once.</summary>
    public string? SiloId { get; init; }

    /// <summary>
    /// Task slots (one per GPU, or one CPU slot using every core). Slot i of a run on <c>cuda</c> trains on
    /// <c>cuda:i</c>. Zero: serve the API without running tasks.
    /// </summary>
    public int Slots { get; init; } = 1;

    /// <summary>libtorch threads per slot. Null: the cores divided among the slots.</summary>
    public int? Threads { get; init; }

    /// <summary>Where the HTTP API listens; null serves none (an embedded silo).</summary>
    public string? Urls { get; init; } = "http://127.0.0.1:8470";

    /// <summary>The bearer token the API requires; null for none.</summary>
    public string? Token { get; init; }

    /// <summary>How long a claim lasts without renewal; renewed every third of it.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an idle slot looks for work.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often the silo records its heartbeat and looks for lapsed leases of others.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>On shutdown, how long running tasks get to reach their next checkpoint before they are stopped where they are.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>Attempts each task of a run submitted here gets.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The clock (tests replace it).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Log to the console (a standalone silo); false when the silo is embedded in the CLI, which shows the run's events instead.</summary>
    public bool ConsoleLogging { get; init; } = true;

    /// <summary>The id in effect.</summary>
    public string EffectiveSiloId => SiloId ?? $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}";
}
