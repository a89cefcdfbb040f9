namespace Ensemble.Grains.Execution;

/// <summary>
/// One task of a run (keyed <c>run-id/task-id</c>), running one stage of src/Distillation as a long job on a free
/// slot: <see cref="Start"/> records the attempt and returns while the job runs off the grain scheduler; a
/// keep-alive timer watches it. Each kind has its own grain type (<see cref="TaskGrainTypes"/>) so Orleans'
/// metrics tell teachers from distillers.
/// </summary>
public interface ITaskGrain : IGrainWithStringKey
{
    /// <summary>Starts <paramref name="assignment"/> (the same fence again is a no-op) and says where it runs.</summary>
    Task<TaskPlacement> Start(TaskAssignment assignment);

    /// <summary>Stops the attempt holding <paramref name="fence"/> (cancelled, or superseded); it writes nothing more.</summary>
    Task Stop(long fence, string reason);
}

/// <summary>A teacher: trains one ensemble member.</summary>
public interface ITeacherGrain : ITaskGrain;

/// <summary>Clusters the generalist's confusions into specialist class groups.</summary>
public interface IClusterGrain : ITaskGrain;

/// <summary>Trains one specialist.</summary>
public interface ISpecialistGrain : ITaskGrain;

/// <summary>Combines the members' outputs into soft targets.</summary>
public interface IAggregatorGrain : ITaskGrain;

/// <summary>Distils the ensemble into the student.</summary>
public interface IDistillerGrain : ITaskGrain;

/// <summary>Trains the same student network on labels alone.</summary>
public interface IBaselineGrain : ITaskGrain;

/// <summary>Compresses the student (pruning, quantization).</summary>
public interface ICompressorGrain : ITaskGrain;

/// <summary>Writes the run's report.</summary>
public interface IReportGrain : ITaskGrain;
