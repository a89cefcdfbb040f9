namespace Ensemble.Silo.Hosting;

/// <summary>How a silo runs: which cluster it joins and where its state and artifacts are, how many slots it has.</summary>
public sealed record SiloOptions
{
    /// <summary>
    /// Where the cluster keeps its state: <c>sqlite:PATH</c> (one machine: localhost clustering, grain storage in
    /// that file) or <c>postgres://user:password@host:port/database</c> (a cluster: Orleans' ADO.NET clustering,
    /// grain storage and reminders).
    /// </summary>
    public required string Store { get; init; }

    /// <summary>The artifact directory (local, or a volume every silo shares).</summary>
    public required string Artifacts { get; init; }

    /// <summary>This silo's name in events and listings. Null: <c>host-pid</c>.</summary>
    public string? SiloId { get; init; }

    /// <summary>
    /// Task slots (one per GPU, or one CPU slot using every core). Slot i of a run on <c>cuda</c> trains on
    /// <c>cuda:i</c>. Zero: serve the API and host grains without training.
    /// </summary>
    public int Slots { get; init; } = 1;

    /// <summary>libtorch threads per slot. Null: the cores divided among the slots.</summary>
    public int? Threads { get; init; }

    /// <summary>Where the HTTP API listens; null serves none (an embedded silo).</summary>
    public string? Urls { get; init; } = "http://127.0.0.1:8470";

    /// <summary>The bearer token the API requires; null for none.</summary>
    public string? Token { get; init; }

    /// <summary>The Orleans cluster id: silos with the same id and store form one cluster.</summary>
    public string ClusterId { get; init; } = "ensemble";

    /// <summary>The port silos talk to each other on (0: a free one, for one-machine silos and tests).</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>The port Orleans clients (the CLI) connect to (0: a free one).</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>
    /// The silo's TLS certificate (PEM; its key in the same file or in <see cref="TlsKey"/>). Set, every Orleans port
    /// speaks TLS: silo to silo mutually, the gateway to clients that trust <see cref="TlsAuthority"/>. Null: plain TCP.
    /// </summary>
    public string? TlsCertificate { get; init; }

    /// <summary>The PEM private key of <see cref="TlsCertificate"/>, when it is not in the certificate's file.</summary>
    public string? TlsKey { get; init; }

    /// <summary>
    /// The PEM certificate(s) of the authority that issued every silo's certificate: other silos must present one it
    /// issued. Null: <see cref="TlsCertificate"/> itself (one self-signed certificate shared by the cluster).
    /// </summary>
    public string? TlsAuthority { get; init; }

    /// <summary>The address other silos reach this one at. Null: loopback for <c>sqlite:</c>, else this host's first IPv4 address.</summary>
    public string? AdvertisedAddress { get; init; }

    /// <summary>Run under Kubernetes: Orleans' Kubernetes hosting takes the pod's name, namespace and IP, and removes silos whose pods are gone.</summary>
    public bool Kubernetes { get; init; }

    /// <summary>
    /// How long a membership probe of another silo may take before it counts as missed. With
    /// <see cref="MissedProbesLimit"/> it sets how fast a dead silo is declared dead: training holds a slot for
    /// minutes, so a dead silo must give its tasks up within seconds, not the default ~half minute.
    /// </summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Missed probes after which a silo suspects another (see <see cref="ProbeTimeout"/>).</summary>
    public int MissedProbesLimit { get; init; } = 2;

    /// <summary>
    /// How long, after a silo is declared dead, the grain directory keeps the grains it hosted from activating
    /// elsewhere (Orleans' <c>RangeLeaseDuration</c>). Short, because nothing a stale activation writes is used.
    /// </summary>
    public TimeSpan DirectoryLease { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>On shutdown, how long running tasks get to reach their next checkpoint before they are stopped where they are.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>Attempts each task of a run submitted here gets.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The back-off after a failed first attempt (it doubles with each further one, up to a minute).</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The period of each unfinished run's safety-net reminder (<c>RunPolicy.SafetyNetPeriod</c>; Orleans' minimum is lowered to it when shorter).</summary>
    public TimeSpan SafetyNetPeriod { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The clock (tests replace it).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Log to the console (a standalone silo); false when the silo is embedded in the CLI, which shows the run's events instead.</summary>
    public bool ConsoleLogging { get; init; } = true;

    /// <summary>The name in effect.</summary>
    public string EffectiveSiloId => SiloId ?? $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}";
}
