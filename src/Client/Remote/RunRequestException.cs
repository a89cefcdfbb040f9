namespace Ensemble.Client.Remote;

/// <summary>The cluster refused a request that was the caller's mistake: an unknown run, a run already finished.</summary>
public sealed class RunRequestException(string message) : Exception(message);
