namespace Ensemble.Contracts.Access;

/// <summary>A silo refused a client's call: the client sent no token, or not the cluster's.</summary>
[GenerateSerializer]
public sealed class ClusterAccessDeniedException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public ClusterAccessDeniedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with no message (the serializer's constructor).</summary>
    public ClusterAccessDeniedException() : base("the cluster refused the client's credentials")
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public ClusterAccessDeniedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
