using Ensemble.Grains.Plan;

namespace Ensemble.Grains.Tasks;

/// <summary>The work of one kind of task: reads its inputs from the run's artifacts and writes its outputs there.</summary>
public interface IRunTask
{
    /// <summary>Runs <paramref name="task"/>; its outputs are durable when this returns (the caller then records the result).</summary>
    TaskResult Execute(PlannedTask task, RunContext context, CancellationToken cancellationToken);
}
