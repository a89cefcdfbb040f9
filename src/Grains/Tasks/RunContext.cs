using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Plan;

namespace Ensemble.Grains.Tasks;

/// <summary>Everything a task needs: the run's settings, where its files live, the data, and where to report.</summary>
public sealed class RunContext
{
    private readonly Lazy<RunData> _data;

    /// <summary>A context for the run in <paramref name="layout"/> with <paramref name="settings"/>.</summary>
    /// <param name="settings">The run's settings.</param>
    /// <param name="layout">Where its files live.</param>
    /// <param name="progress">Where tasks report.</param>
    /// <param name="data">The run's data when the caller already holds it (a silo shares it between attempts); loaded on first use otherwise.</param>
    public RunContext(RunSettings settings, ArtifactLayout layout, IProgress<TaskProgress>? progress = null, Lazy<RunData>? data = null)
    {
        Settings = settings;
        Layout = layout;
        Progress = progress ?? new Progress<TaskProgress>();
        _data = data ?? new Lazy<RunData>(() => RunData.Load(settings));
    }

    /// <summary>The run's settings.</summary>
    public RunSettings Settings { get; }

    /// <summary>Where the run's artifacts live.</summary>
    public ArtifactLayout Layout { get; }

    /// <summary>Where tasks report progress.</summary>
    public IProgress<TaskProgress> Progress { get; }

    /// <summary>
    /// The ids of the teachers whose results are recorded: every teacher, unless the run went on with a quorum
    /// (<c>teachers.min</c>) after some failed for good. The tasks after the teachers use exactly these.
    /// </summary>
    public IReadOnlyList<string> Teachers() =>
        [.. Enumerable.Range(0, Settings.Teachers.Count).Select(i => $"teacher/{i}").Where(id => File.Exists(Layout.Result(id)))];

    /// <summary>The ids of the specialists that trained a model (clustering may leave some without a class set).</summary>
    public IReadOnlyList<string> TrainedSpecialists() =>
        [.. Enumerable.Range(0, Settings.Specialists.Count).Select(j => $"specialist/{j}").Where(id => File.Exists(Layout.Model(id)))];

    /// <summary>The run's data, loaded on first use and shared by the tasks of this process.</summary>
    public RunData Data => _data.Value;
}
