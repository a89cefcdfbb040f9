namespace Ensemble.Contracts.Api;

/// <summary>A durable file of a run: <c>GET /api/v1/runs/{id}/artifacts</c>; its bytes are at <c>…/artifacts/{name}</c>.</summary>
/// <param name="Name">Its name within the run, a relative path with <c>/</c> (e.g. <c>tasks/teacher-0/outputs.safetensors</c>).</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the content (also the download's <c>ETag</c>).</param>
/// <param name="Size">Bytes.</param>
/// <param name="TaskId">The task that wrote it.</param>
/// <param name="CreatedAt">When it was recorded.</param>
public sealed record ArtifactView(string Name, string Sha256, long Size, string TaskId, DateTimeOffset CreatedAt);
