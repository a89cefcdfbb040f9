using Ensemble.Contracts.Runs;
using Ensemble.Grains.Artifacts;

namespace Ensemble.Grains.Execution;

/// <summary>
/// The directory one attempt of a task works in, laid out like a run directory (<see cref="ArtifactLayout"/>) so
/// the stages run unchanged: the run's recorded artifacts appear as read-only links to their blobs, the newest
/// checkpoint of an earlier attempt is copied in so training resumes, and whatever the attempt writes (outside its
/// checkpoints) is what it publishes. Each attempt has its own directory, named by its fence, so an attempt that
/// was superseded (its silo declared dead) never writes into the directory of the attempt that replaced it.
/// </summary>
internal sealed class AttemptWorkspace
{
    private const string AttemptPrefix = "attempt-";
    private readonly string _taskWork;

    /// <summary>The workspace of the attempt of <paramref name="taskId"/> (of <paramref name="runId"/>) holding <paramref name="fence"/>, under the artifact store's <c>work/</c>.</summary>
    public AttemptWorkspace(string artifactsRoot, string runId, string taskId, long fence)
    {
        Fence = fence;
        TaskDirectoryName = taskId.Replace('/', '-');
        _taskWork = Path.Combine(artifactsRoot, "work", runId, TaskDirectoryName);
        Root = Path.Combine(_taskWork, $"{AttemptPrefix}{fence}");
    }

    /// <summary>The attempt's fence.</summary>
    public long Fence { get; }

    /// <summary>The task's directory name inside a run (<c>teacher-0</c>).</summary>
    public string TaskDirectoryName { get; }

    /// <summary>The attempt's run directory.</summary>
    public string Root { get; }

    /// <summary>The layout the task sees.</summary>
    public ArtifactLayout Layout => new(Root);

    /// <summary>Links the run's recorded <paramref name="inputs"/> in and copies the newest earlier checkpoints; returns the checkpoint files copied.</summary>
    public IReadOnlyList<string> Prepare(IEnumerable<ArtifactRecord> inputs, ArtifactStore blobs)
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        Directory.CreateDirectory(Root);
        foreach (var input in inputs)
        {
            ArtifactNames.Validate(input.Name);
            var path = Path.Combine(Root, input.Name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.CreateSymbolicLink(path, blobs.BlobPath(input.Sha256));
        }

        return ResumeCheckpoints();
    }

    /// <summary>
    /// For each checkpoint directory of this task, copies the newest checkpoint any earlier attempt left, then removes
    /// the earlier attempts' directories. Checkpoints are written whole (temp + rename), so any file found is complete.
    /// </summary>
    private List<string> ResumeCheckpoints()
    {
        var copied = new List<string>();
        var earlier = Directory.GetDirectories(_taskWork, AttemptPrefix + "*")
            .Select(d => (Path: d, Fence: long.TryParse(Path.GetFileName(d)[AttemptPrefix.Length..], out var f) ? f : -1))
            .Where(a => a.Fence >= 0 && a.Fence < Fence)
            .ToList();
        var newest = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (attempt, _) in earlier)
        {
            var own = Path.Combine(attempt, "tasks", TaskDirectoryName);
            if (!Directory.Exists(own)) continue;
            foreach (var directory in Directory.GetDirectories(own, "checkpoints*"))
            {
                var latest = Directory.GetFiles(directory, "epoch-*.safetensors").Max(StringComparer.Ordinal);
                if (latest is null) continue;
                var key = Path.GetFileName(directory);
                if (!newest.TryGetValue(key, out var best) || string.CompareOrdinal(Path.GetFileName(latest), Path.GetFileName(best)) > 0)
                {
                    newest[key] = latest;
                }
            }
        }

        foreach (var (directoryName, file) in newest)
        {
            var target = Path.Combine(Root, "tasks", TaskDirectoryName, directoryName, Path.GetFileName(file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
            copied.Add($"{directoryName}/{Path.GetFileName(file)}");
        }

        foreach (var (attempt, _) in earlier)
        {
            TryDelete(attempt);
        }

        return copied;
    }

    /// <summary>
    /// What the attempt wrote, as (artifact name, path): every regular file in the workspace except the linked inputs,
    /// checkpoints and unfinished temporary files.
    /// </summary>
    public IReadOnlyList<(string Name, string Path)> Outputs() =>
        [.. Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Where(path => !new FileInfo(path).Attributes.HasFlag(FileAttributes.ReparsePoint) && !path.EndsWith(".tmp", StringComparison.Ordinal))
            .Select(path => (Name: Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/'), Path: path))
            .Where(output => !output.Name.Split('/').Any(segment => segment.StartsWith("checkpoints", StringComparison.Ordinal)))
            .OrderBy(output => output.Name, StringComparer.Ordinal)];

    /// <summary>Removes the workspace (after completion, or when the run was cancelled).</summary>
    public void Delete()
    {
        TryDelete(Root);
        if (Directory.Exists(_taskWork) && !Directory.EnumerateFileSystemEntries(_taskWork).Any()) TryDelete(_taskWork);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Another silo's zombie attempt may still be writing there; the next attempt cleans up again.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
