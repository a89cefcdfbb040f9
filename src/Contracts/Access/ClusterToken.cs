namespace Ensemble.Contracts.Access;

/// <summary>
/// The cluster's credentials as Orleans clients present them: the silos' API token, sent in every call's request
/// context under <see cref="RequestContextKey"/> (the HTTP API takes the same token as a bearer token).
/// </summary>
public static class ClusterToken
{
    /// <summary>The request-context key the token travels under.</summary>
    public const string RequestContextKey = "ensemble.token";
}
