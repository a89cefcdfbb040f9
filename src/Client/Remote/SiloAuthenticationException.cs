namespace Ensemble.Client.Remote;

/// <summary>The silo refused the request's token (401 or 403).</summary>
public sealed class SiloAuthenticationException(string message) : Exception(message);
