namespace Ensemble.Contracts.Runs;

/// <summary>A durable file of a run, recorded once its bytes are in the artifact store.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Name">Its name within the run, a relative path with <c>/</c> (e.g. <c>tasks/teacher-0/outputs.safetensors</c>).</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the content; the content's address in the artifact store.</param>
/// <param name="Size">Bytes.</param>
/// <param name="TaskId">The task that wrote it.</param>
/// <param name="CreatedAt">When it was recorded.</param>
[GenerateSerializer]
public sealed record ArtifactRecord(string RunId, string Name, string Sha256, long Size, string TaskId, DateTimeOffset CreatedAt);
