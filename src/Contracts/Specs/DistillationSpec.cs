namespace Ensemble.Contracts.Specs;

/// <summary>
/// <c>distillation</c>: the student and its loss, L = α·CE(softmax(z_s), y) + (1 − α)·T²·KL(p ‖ softmax(z_s / T))
/// (Hinton et al. 2015), optionally on standardized logits (Sun et al. 2024).
/// </summary>
public sealed record DistillationSpec
{
    /// <summary><c>student</c>: the student's architecture. Default <see cref="ModelSection.DefaultStudent"/> (an MLP of one 300-unit layer).</summary>
    public ModelSection Student { get; init; } = ModelSection.DefaultStudent;

    /// <summary><c>training</c>: how the student is trained. Default 20 epochs.</summary>
    public TrainingSection Training { get; init; } = new() { Epochs = 20 };

    /// <summary><c>temperature</c>: T, the softmax temperature of the soft targets; greater than 0. Default 2.0 (measured best with alpha 0.5, bench/RESULTS.md).</summary>
    public double Temperature { get; init; } = 2.0;

    /// <summary><c>student_temperature</c>: the student's softmax temperature when it differs from <see cref="Temperature"/>; greater than 0 when set. Default null (the same).</summary>
    public double? StudentTemperature { get; init; }

    /// <summary><c>alpha</c>: α, the weight of the hard-label term, in [0, 1]. Default 0.5.</summary>
    public double Alpha { get; init; } = 0.5;

    /// <summary><c>logit_standardization</c>: <c>off</c> (default), <c>on</c> or <c>compare</c> (train both students).</summary>
    public LogitStandardizationMode LogitStandardization { get; init; } = LogitStandardizationMode.Off;

    /// <summary><c>targets</c>: <c>fixed</c> (precomputed per view, the default) or <c>online</c> (from the teachers, on each epoch's augmented and mixed images).</summary>
    public SoftTargetSource Targets { get; init; } = SoftTargetSource.Fixed;

    /// <summary><c>transfer</c>: the transfer set.</summary>
    public TransferSpec Transfer { get; init; } = new();

    /// <summary><c>compress</c>: pruning and int8 quantization of the exported student; none by default.</summary>
    public CompressSpec Compress { get; init; } = new();

    /// <summary>The student's temperature: <see cref="StudentTemperature"/> when set, else <see cref="Temperature"/>.</summary>
    public double EffectiveStudentTemperature => StudentTemperature ?? Temperature;

    /// <summary>Every problem with this section.</summary>
    /// <param name="path">The section's path, normally <c>distillation</c>.</param>
    /// <param name="classCount">The dataset's class count when known; null to skip the checks that need it.</param>
    public IEnumerable<SpecProblem> Validate(string path, int? classCount)
    {
        var problems = new List<SpecProblem>();
        problems.AddRange(Student.Validate(SpecPath.Field(path, "student")));
        problems.AddRange(Training.Validate(SpecPath.Field(path, "training")));
        if (!(Temperature > 0) || !double.IsFinite(Temperature)) problems.Add(new(SpecPath.Field(path, "temperature"), "must be a finite number > 0"));
        if (StudentTemperature is double t && (!(t > 0) || !double.IsFinite(t)))
        {
            problems.Add(new(SpecPath.Field(path, "student_temperature"), "must be a finite number > 0, or null for the same as temperature"));
        }

        if (!(Alpha is >= 0 and <= 1)) problems.Add(new(SpecPath.Field(path, "alpha"), "must be in [0, 1]"));
        else if (!Transfer.Labeled && Alpha != 0) problems.Add(new(SpecPath.Field(path, "alpha"), "must be 0 with an unlabeled transfer set (transfer.labeled: false)"));

        problems.AddRange(Transfer.Validate(SpecPath.Field(path, "transfer"), classCount));
        if (Targets == SoftTargetSource.Online && Transfer.Views > 1)
        {
            problems.Add(new(SpecPath.Field(SpecPath.Field(path, "transfer"), "views"),
                "must be 1 with targets: online (every epoch is a fresh augmented view whose targets the teachers compute; views are for fixed targets)"));
        }

        if (Targets == SoftTargetSource.Fixed && Transfer.Mixup > 0)
        {
            problems.Add(new(SpecPath.Field(SpecPath.Field(path, "transfer"), "mixup"),
                "needs targets: online (a fixed target was computed on an unmixed image, so it would not describe the mixed one)"));
        }

        problems.AddRange(Compress.Validate(SpecPath.Field(path, "compress")));
        return problems;
    }
}
