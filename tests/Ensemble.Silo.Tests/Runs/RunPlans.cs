using Ensemble.Contracts.Runs;

namespace Ensemble.Silo.Tests.Runs;

/// <summary>Small task graphs for the run grain's tests. Task ids sort against plan order, so neither can pass for the other.</summary>
internal static class RunPlans
{
    /// <summary>The kind of an ordinary task (any kind but <c>teacher</c>, which has the quorum rule).</summary>
    public const string WorkKind = "baseline";

    /// <summary>An ordinary task <paramref name="id"/> after <paramref name="dependsOn"/>.</summary>
    public static NewTask T(string id, params string[] dependsOn) => new(id, WorkKind, 7, dependsOn);

    /// <summary>A run of <paramref name="tasks"/>, three attempts each.</summary>
    public static NewRun Run(string id, params NewTask[] tasks) => Run(id, maxAttempts: 3, tasks);

    /// <summary>A run of <paramref name="tasks"/>, <paramref name="maxAttempts"/> attempts each.</summary>
    public static NewRun Run(string id, int maxAttempts, params NewTask[] tasks) =>
        new(id, $"name-{id}", $"{{\"spec\":\"{id}\"}}", tasks, TeachersMin: 1, maxAttempts);

    /// <summary>a → (b, c) → d.</summary>
    public static NewRun Diamond(string id, int maxAttempts = 3) => Run(id, maxAttempts, T("a"), T("b", "a"), T("c", "a"), T("d", "b", "c"));

    /// <summary>Three teachers, quorum two, one attempt each, and an aggregate that needs them all.</summary>
    public static NewRun Teachers(string id) =>
        new(id, $"name-{id}", "{}",
            [
                new NewTask("teacher/0", "teacher", 0, []), new NewTask("teacher/1", "teacher", 1, []), new NewTask("teacher/2", "teacher", 2, []),
                new NewTask("aggregate", "aggregate", 0, ["teacher/0", "teacher/1", "teacher/2"]),
            ],
            TeachersMin: 2, MaxAttempts: 1);
}
