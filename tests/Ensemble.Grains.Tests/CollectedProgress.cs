using Ensemble.Grains.Tasks;

namespace Ensemble.Grains.Tests;

/// <summary>Collects every progress line a run reports, synchronously and from any thread.</summary>
internal sealed class CollectedProgress(List<TaskProgress> lines) : IProgress<TaskProgress>
{
    public void Report(TaskProgress value)
    {
        lock (lines) lines.Add(value);
    }
}
