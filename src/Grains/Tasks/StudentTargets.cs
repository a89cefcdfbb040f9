using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Grains.Tasks;

/// <summary>
/// The soft targets a task distils with: the aggregate task's fixed targets, one tensor per transfer view, or — with
/// <c>targets: online</c> — the stored teachers, scoring each epoch's images as the student sees them.
/// </summary>
internal sealed class StudentTargets : IDisposable
{
    private StudentTargets(IReadOnlyList<Tensor>? views, OnlineTargets? online)
    {
        Views = views;
        Online = online;
    }

    /// <summary>The fixed targets per view; null with online targets.</summary>
    public IReadOnlyList<Tensor>? Views { get; }

    /// <summary>The online targets; null with fixed targets.</summary>
    public OnlineTargets? Online { get; }

    /// <summary>The targets of the run's kind for task <paramref name="taskId"/>.</summary>
    public static StudentTargets Load(RunContext context, string taskId, CancellationToken cancellationToken) =>
        context.Settings.Student.OnlineTargets
            ? new StudentTargets(null, OnlineTargets.Load(context, taskId, cancellationToken))
            : new StudentTargets(ModelOutputs.ReadSoftTargets(context), null);

    /// <summary>Frees the targets or the teachers.</summary>
    public void Dispose()
    {
        foreach (var t in Views ?? []) t.Dispose();
        Online?.Dispose();
    }
}
