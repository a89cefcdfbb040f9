namespace Ensemble.Silo.Api;

/// <summary>How the silo's HTTP API behaves; validated by <see cref="SiloApiServiceCollectionExtensions.AddSiloApi"/>.</summary>
public sealed record ApiOptions
{
    /// <summary>The bearer token every <c>/api/v1</c> request must carry; null for no authentication.</summary>
    public string? Token { get; init; }

    /// <summary>The largest request body accepted (a submitted spec); larger bodies get 413. Default 1 MiB.</summary>
    public long MaxRequestBodyBytes { get; init; } = 1 << 20;

    /// <summary>How often an event stream polls the store for new events. Default 250 ms.</summary>
    public TimeSpan EventPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long an event stream may stay silent before it sends a <c>: keep-alive</c> comment. Default 15 s.</summary>
    public TimeSpan EventKeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long <c>/readyz</c> waits for the silo's checks (membership, grain storage) before it reports not ready. Default 2 s.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The clock for silo liveness and stream timing.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Every problem with these options, each naming its field; empty when they are valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (Token is not null && string.IsNullOrWhiteSpace(Token)) yield return "Token must be null (no authentication) or non-blank";
        if (Token is not null && Token.Trim() != Token) yield return "Token must not start or end with white space";
        if (MaxRequestBodyBytes < 1) yield return $"MaxRequestBodyBytes must be >= 1, got {MaxRequestBodyBytes}";
        if (EventPollInterval <= TimeSpan.Zero) yield return $"EventPollInterval must be positive, got {EventPollInterval}";
        if (EventKeepAliveInterval <= TimeSpan.Zero) yield return $"EventKeepAliveInterval must be positive, got {EventKeepAliveInterval}";
        if (ReadyTimeout <= TimeSpan.Zero) yield return $"ReadyTimeout must be positive, got {ReadyTimeout}";
    }
}
