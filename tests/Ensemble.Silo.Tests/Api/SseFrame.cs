namespace Ensemble.Silo.Tests.Api;

/// <summary>One server-sent event as read off the wire, or a comment line (<see cref="Comment"/> set, the rest null).</summary>
internal sealed record SseFrame(string? Id, string? Event, string? Data, string? Comment);
