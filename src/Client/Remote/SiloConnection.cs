namespace Ensemble.Client.Remote;

/// <summary>Where a silo's API is and the bearer token to send it: <c>--silo</c> or <c>ENSEMBLE_SILO</c>, and <c>ENSEMBLE_TOKEN</c>.</summary>
/// <param name="BaseAddress">The silo's root, e.g. <c>http://silo:8470/</c>.</param>
/// <param name="Token">The API token, or null when the silo has none.</param>
public sealed record SiloConnection(Uri BaseAddress, string? Token)
{
    /// <summary>The environment variable that names the silo when <c>--silo</c> is not given.</summary>
    public const string SiloVariable = "ENSEMBLE_SILO";

    /// <summary>The environment variable that holds the API token.</summary>
    public const string TokenVariable = "ENSEMBLE_TOKEN";

    /// <summary>The connection from <paramref name="silo"/> (the option's value) or the environment.</summary>
    /// <exception cref="ArgumentException">No silo is given, or it is not an http(s) URL; the message names the option.</exception>
    public static SiloConnection Resolve(string? silo)
    {
        var (value, source) = silo is { Length: > 0 }
            ? (silo, "--silo")
            : (Environment.GetEnvironmentVariable(SiloVariable), SiloVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"--silo: no silo given; pass --silo http://HOST:PORT or set {SiloVariable}");
        }

        return new SiloConnection(Parse(value, source), Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } token ? token : null);
    }

    /// <summary>Whether a silo is named by <paramref name="silo"/> or the environment.</summary>
    public static bool IsGiven(string? silo) =>
        silo is { Length: > 0 } || Environment.GetEnvironmentVariable(SiloVariable) is { Length: > 0 };

    private static Uri Parse(string value, string source)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"{source}: expected http://HOST:PORT, got '{value}'");
        }

        // A trailing slash, so relative paths resolve under the silo's root even when it has a path prefix.
        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }
}
