namespace Ensemble.Contracts.Reports;

/// <summary>
/// <c>report.json</c>: the evaluation of every model of a run on the test set. Scripts read <see cref="Models"/>;
/// names are <c>teacher/0</c>…, <c>ensemble/arithmetic</c>, <c>ensemble/geometric</c>, <c>ensemble/logits</c>,
/// <c>ensemble+specialists</c>, <c>student</c>, <c>student-ls</c>, <c>student-pruned</c>, <c>student-int8</c>,
/// <c>student-pruned-int8</c>, <c>baseline</c> (those the run made).
/// </summary>
public sealed record RunReport
{
    /// <summary>The run's name.</summary>
    public required string Run { get; init; }

    /// <summary>The dataset the run used.</summary>
    public required string Dataset { get; init; }

    /// <summary>The number of test examples evaluated.</summary>
    public required int TestExamples { get; init; }

    /// <summary>The class names, in class-index order.</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>Every evaluated model, teachers first.</summary>
    public required IReadOnlyList<ModelReport> Models { get; init; }

    /// <summary>Which distilled student was exported as <c>student.safetensors</c>, if any.</summary>
    public string? ExportedStudent { get; init; }

    /// <summary>
    /// Each trained specialist's classes with every model's accuracy on them, so one can see whether what the specialists
    /// know reached the student (against the ensemble and the baseline); empty without specialists.
    /// </summary>
    public IReadOnlyList<ClassGroupReport> SpecialistClasses { get; init; } = [];

    /// <summary>Each task's wall time.</summary>
    public required IReadOnlyList<StageReport> Stages { get; init; }

    /// <summary>Each distilled student's gain over the baseline; empty when the run trained no baseline.</summary>
    public IReadOnlyList<StudentGain> StudentGains()
    {
        var baseline = Models.FirstOrDefault(m => m.Name == "baseline");
        if (baseline is null) return [];
        // Compressed students (they carry a detail) are the student made smaller, not another student.
        return [.. Models.Where(m => m.Name.StartsWith("student", StringComparison.Ordinal) && m.Detail is null)
            .Select(s => new StudentGain(s.Name, (s.Accuracy - baseline.Accuracy) * 100))];
    }
}
