using Ensemble.Grains.Plan;
using Ensemble.Grains.Tasks;

namespace Ensemble.Grains.Execution;

/// <summary>The work behind each kind of task.</summary>
public static class TaskCatalog
{
    /// <summary>The implementation of <paramref name="kind"/>.</summary>
    public static IRunTask For(TaskKind kind) => kind switch
    {
        TaskKind.Teacher => new TeacherTask(),
        TaskKind.Cluster => new ClusterTask(),
        TaskKind.Specialist => new SpecialistTask(),
        TaskKind.Aggregate => new AggregateTask(),
        TaskKind.Distill => new DistillTask(),
        TaskKind.Compress => new CompressTask(),
        TaskKind.Baseline => new BaselineTask(),
        TaskKind.Report => new ReportTask(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown task kind"),
    };
}
