namespace Ensemble.Silo.Store;

/// <summary>A task a slot has just claimed.</summary>
/// <param name="Lease">The lease (and fencing token) it holds.</param>
/// <param name="Kind">What the task does.</param>
/// <param name="Index">Member or specialist index.</param>
/// <param name="Attempt">This attempt's number, from 1.</param>
/// <param name="SpecJson">The run's canonical spec.</param>
/// <param name="ExpiresAt">When the lease lapses unless renewed.</param>
public sealed record TaskClaim(TaskLease Lease, string Kind, int Index, int Attempt, string SpecJson, DateTimeOffset ExpiresAt);
