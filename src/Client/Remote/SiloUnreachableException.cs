namespace Ensemble.Client.Remote;

/// <summary>The silo did not answer: nothing listens there, the name does not resolve, or it timed out.</summary>
public sealed class SiloUnreachableException(string message, Exception? inner = null) : Exception(message, inner);
