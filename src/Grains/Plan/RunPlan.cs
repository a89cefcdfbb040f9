namespace Ensemble.Grains.Plan;

/// <summary>
/// The fixed graph a run expands to, in an order where every task comes after its dependencies:
/// teachers → cluster → specialists → aggregate → distill → compress; the baseline needs only the data; the report needs all.
/// </summary>
public static class RunPlan
{
    /// <summary>The tasks of a run with these settings.</summary>
    public static IReadOnlyList<PlannedTask> Expand(RunSettings settings) =>
        Expand(settings.Teachers.Count, settings.Specialists.Count, settings.Baseline, settings.Compression is not null);

    /// <summary>
    /// The tasks of a run with <paramref name="teachers"/> members and <paramref name="specialists"/> specialists, a
    /// baseline when <paramref name="baseline"/>, and the compress task when <paramref name="compress"/>.
    /// </summary>
    public static IReadOnlyList<PlannedTask> Expand(int teachers, int specialists, bool baseline, bool compress = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(teachers, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(specialists);
        var tasks = new List<PlannedTask>();
        var teacherIds = Enumerable.Range(0, teachers).Select(i => $"teacher/{i}").ToArray();
        tasks.AddRange(teacherIds.Select((id, i) => new PlannedTask(id, TaskKind.Teacher, i, [])));
        string[] aggregateInputs = teacherIds;
        if (specialists > 0)
        {
            tasks.Add(new PlannedTask("cluster", TaskKind.Cluster, 0, teacherIds));
            var specialistIds = Enumerable.Range(0, specialists).Select(j => $"specialist/{j}").ToArray();
            tasks.AddRange(specialistIds.Select((id, j) => new PlannedTask(id, TaskKind.Specialist, j, ["cluster"])));
            aggregateInputs = [.. teacherIds, .. specialistIds];
        }

        tasks.Add(new PlannedTask("aggregate", TaskKind.Aggregate, 0, aggregateInputs));
        tasks.Add(new PlannedTask("distill", TaskKind.Distill, 0, ["aggregate"]));
        if (compress) tasks.Add(new PlannedTask("compress", TaskKind.Compress, 0, ["distill"]));
        if (baseline) tasks.Add(new PlannedTask("baseline", TaskKind.Baseline, 0, []));
        tasks.Add(new PlannedTask("report", TaskKind.Report, 0,
            [.. aggregateInputs, "distill", .. compress ? new[] { "compress" } : [], .. baseline ? new[] { "baseline" } : []]));
        return tasks;
    }
}
