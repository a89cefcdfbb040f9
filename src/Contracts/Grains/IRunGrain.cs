using Ensemble.Contracts.Runs;

namespace Ensemble.Contracts.Grains;

/// <summary>
/// One run (keyed by its id): the orchestrator. It holds the spec, the task graph, each task's state, attempt and
/// fence, the run's artifacts and its event log in persistent state, and places each task on a free slot when its
/// inputs are done. Task attempts report back through the fenced methods: a call naming a fence that is not the
/// task's current one changes nothing.
/// </summary>
public interface IRunGrain : IGrainWithStringKey
{
    /// <summary>Stores the run (tasks without dependencies ready) with a <c>run-submitted</c> event and starts placing its tasks.</summary>
    /// <exception cref="InvalidOperationException">This run exists already.</exception>
    Task<RunSnapshot> Submit(NewRun run);

    /// <summary>The run and its tasks, or null when no run has this id.</summary>
    Task<RunSnapshot?> Get();

    /// <summary>
    /// Cancels the run unless it has finished: it and its unfinished tasks become cancelled and running attempts are
    /// stopped. Returns the run as it now is (a finished run unchanged); null for an unknown id.
    /// </summary>
    Task<RunSnapshot?> Cancel();

    /// <summary>The run's events with id greater than <paramref name="afterId"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<RunEvent>> ReadEvents(long afterId, int limit);

    /// <summary>The run's artifacts, sorted by name.</summary>
    Task<IReadOnlyList<ArtifactRecord>> ListArtifacts();

    /// <summary>Resumes placing tasks after the cluster restarted or a silo died (a run grain's own activation does the same).</summary>
    Task Wake();

    /// <summary>Whether the attempt holding <paramref name="fence"/> of <paramref name="taskId"/> may still write.</summary>
    Task<AttemptStatus> CheckAttempt(string taskId, long fence);

    /// <summary>The attempt set up its workspace and starts work (a <c>task-started</c> event); false when it is not current.</summary>
    Task<bool> AttemptStarted(string taskId, long fence, string message);

    /// <summary>Records the attempt's latest progress and a <c>task-progress</c> event; false (nothing written) when it is not current.</summary>
    Task<bool> ReportProgress(string taskId, long fence, string progressJson, string message);

    /// <summary>
    /// Completes the task: records its artifacts (already durable in the artifact store) and result, makes each
    /// dependent whose dependencies have all finished ready, and marks the run succeeded when nothing is left.
    /// False, and nothing changed, when the attempt is not current.
    /// </summary>
    Task<bool> Complete(string taskId, long fence, TaskCompletion completion);

    /// <summary>
    /// Records a failed attempt: ready again after the back-off while attempts remain; otherwise failed, and either
    /// excused (a teacher, with the run's quorum of teachers not failed) or failing the run.
    /// </summary>
    Task<FailureOutcome> Fail(string taskId, long fence, string error);

    /// <summary>A draining silo hands the running attempt back without using it up: the task is placed again at once.</summary>
    Task<bool> Release(string taskId, long fence, string reason);

    /// <summary>
    /// The silo at <paramref name="silo"/> running <paramref name="taskId"/> died: its attempt counts as failed
    /// (a <c>task-lost</c> event) and, while attempts remain, the task is placed again at once and resumes from its
    /// newest checkpoint. False when the task is not running there.
    /// </summary>
    Task<bool> TaskLost(string taskId, SiloAddress silo, string reason);
}
