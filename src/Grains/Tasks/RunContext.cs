using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Plan;

namespace Ensemble.Grains.Tasks;

/// <summary>Everything a task needs: the run's settings, where its files live, the data, and where to report.</summary>
public sealed class RunContext
{
    private readonly Lazy<RunData> _data;

    /// <summary>A context for the run in <paramref name="layout"/> with <paramref name="settings"/>.</summary>
    public RunContext(RunSettings settings, ArtifactLayout layout, IProgress<TaskProgress>? progress = null)
    {
        Settings = settings;
        Layout = layout;
        Progress = progress ?? new Progress<TaskProgress>();
        _data = new Lazy<RunData>(() => RunData.Load(settings));
    }

    /// <summary>The run's settings.</summary>
    public RunSettings Settings { get; }

    /// <summary>Where the run's artifacts live.</summary>
    public ArtifactLayout Layout { get; }

    /// <summary>Where tasks report progress.</summary>
    public IProgress<TaskProgress> Progress { get; }

    /// <summary>The run's data, loaded on first use and shared by the tasks of this process.</summary>
    public RunData Data => _data.Value;
}
