namespace Ensemble.Grains.Runs;

/// <summary>
/// What a failed attempt leads to, decided the same way by every store: retry while attempts remain; then a
/// teacher is excused while the run keeps its quorum of teachers, and anything else fails the run.
/// </summary>
internal static class FailureRules
{
    /// <summary>The task kind the quorum rule applies to.</summary>
    public const string TeacherKind = "teacher";

    /// <summary>True when attempt <paramref name="attempt"/> (1-based) of <paramref name="maxAttempts"/> may be followed by another.</summary>
    public static bool WillRetry(int attempt, int maxAttempts) => attempt < maxAttempts;

    /// <summary>
    /// True when a task of <paramref name="kind"/> that failed for good can be excused: it is a teacher and the run
    /// still has at least its quorum of teachers that have not failed (<paramref name="teachersNotFailed"/>, counted
    /// after this one failed). A quorum below one is read as one: a run never goes on with no teacher at all.
    /// </summary>
    public static bool IsExcused(string kind, int teachersNotFailed, int teachersMin) =>
        kind == TeacherKind && teachersNotFailed >= Math.Max(1, teachersMin);

    /// <summary>The run's error when <paramref name="taskId"/> failed it.</summary>
    public static string RunError(string taskId, string error) => $"task '{taskId}' failed: {error}";

    /// <summary>The error recorded for an attempt whose silo died.</summary>
    public static string SiloLostError(string silo, string reason) => $"silo {silo} was lost ({reason})";
}
