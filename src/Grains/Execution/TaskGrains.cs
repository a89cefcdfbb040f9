using Ensemble.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Ensemble.Grains.Execution;

/// <summary>Trains one ensemble member. A <see cref="TaskGrain"/>.</summary>
public sealed class TeacherGrain([PersistentState("task", StorageNames.Ensemble)] IPersistentState<TaskGrainState> state, IAttemptRunner runner,
    TaskExecutionOptions options, SiloMetrics metrics, ILocalSiloDetails silo, ILogger<TeacherGrain> logger)
    : TaskGrain(state, runner, options, metrics, silo, logger), ITeacherGrain;

/// <summary>Clusters the generalist's confusions into specialist class groups. A <see cref="TaskGrain"/>.</summary>
public sealed class ClusterGrain([PersistentState("task", StorageNames.Ensemble)] IPersistentState<TaskGrainState> state, IAttemptRunner runner,
    TaskExecutionOptions options, SiloMetrics metrics, ILocalSiloDetails silo, ILogger<ClusterGrain> logger)
    : TaskGrain(state, runner, options, metrics, silo, logger), IClusterGrain;

/// <summary>Trains one specialist. A <see cref="TaskGrain"/>.</summary>
public sealed class SpecialistGrain([PersistentState("task", StorageNames.Ensemble)] IPersistentState<TaskGrainState> state, IAttemptRunner runner,
    TaskExecutionOptions options, SiloMetrics metrics, ILocalSiloDetails silo, ILogger<SpecialistGrain> logger)
    : TaskGrain(state, runner, options, metrics, silo, logger), ISpecialistGrain;

/// <summary>Combines the members' outputs into soft targets. A <see cref="TaskGrain"/>.</summary>
public sealed class AggregatorGrain([PersistentState("task", StorageNames.Ensemble)] IPersistentState<TaskGrainState> state, IAttemptRunner runner,
    TaskExecutionOptions options, SiloMetrics metrics, ILocalSiloDetails silo, ILogger<AggregatorGrain> logger)
    : TaskGrain(state, runner, options, metrics, silo, logger), IAggregatorGrain;

/// <summary>Distils the ensemble into the student. A <see cref="TaskGrain"/>.</summary>
public sealed class DistillerGrain([PersistentState("task", StorageNames.Ensemble)] IPersistentState<TaskGrainState> state, IAttemptRunner runner,
    TaskExecutionOptions options, SiloMetrics metrics, ILocalSiloDetails silo, ILogger<DistillerGrain> logger)
    : TaskGrain(state, runner, options, metrics, silo, logger), IDistillerGrain;

/// <summary>Trains the student network on labels alone. A <see cref="TaskGrain"/>.</summary>
public sealed class BaselineGrain([PersistentState("task", StorageNames.Ensemble)] IPersistentState<TaskGrainState> state, IAttemptRunner runner,
    TaskExecutionOptions options, SiloMetrics metrics, ILocalSiloDetails silo, ILogger<BaselineGrain> logger)
    : TaskGrain(state, runner, options, metrics, silo, logger), IBaselineGrain;

/// <summary>Compresses the student. A <see cref="TaskGrain"/>.</summary>
public sealed class CompressorGrain([PersistentState("task", StorageNames.Ensemble)] IPersistentState<TaskGrainState> state, IAttemptRunner runner,
    TaskExecutionOptions options, SiloMetrics metrics, ILocalSiloDetails silo, ILogger<CompressorGrain> logger)
    : TaskGrain(state, runner, options, metrics, silo, logger), ICompressorGrain;

/// <summary>Writes the run's report. A <see cref="TaskGrain"/>.</summary>
public sealed class ReportGrain([PersistentState("task", StorageNames.Ensemble)] IPersistentState<TaskGrainState> state, IAttemptRunner runner,
    TaskExecutionOptions options, SiloMetrics metrics, ILocalSiloDetails silo, ILogger<ReportGrain> logger)
    : TaskGrain(state, runner, options, metrics, silo, logger), IReportGrain;
