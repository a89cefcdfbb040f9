using System.Net;
using Ensemble.Contracts.Api;

namespace Ensemble.Client.Remote;

/// <summary>The silo answered a request with an error other than an authentication failure.</summary>
/// <param name="status">The HTTP status.</param>
/// <param name="problem">The error body.</param>
/// <param name="message">One line for the user.</param>
public sealed class SiloRequestException(HttpStatusCode status, ApiProblem problem, string message) : Exception(message)
{
    /// <summary>The HTTP status.</summary>
    public HttpStatusCode Status { get; } = status;

    /// <summary>The error body: one line and, for an invalid spec, every problem by field.</summary>
    public ApiProblem Problem { get; } = problem;

    /// <summary>True when the error is the caller's (4xx): a bad spec, an unknown run, a run already finished.</summary>
    public bool IsCallerError => (int)Status is >= 400 and < 500;
}
