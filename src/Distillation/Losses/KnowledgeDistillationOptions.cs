namespace Ensemble.Distillation.Losses;

/// <summary>The hyper-parameters of the Hinton distillation loss (see <see cref="DistillationLoss.Hinton"/>).</summary>
public sealed record KnowledgeDistillationOptions
{
    /// <summary>The teacher's temperature T_t: the soft targets are softmax(z_t / T_t). Must be &gt; 0.</summary>
    public double Temperature { get; init; } = 4;

    /// <summary>The student's temperature T_s; null means the same as <see cref="Temperature"/>. Must be &gt; 0.</summary>
    public double? StudentTemperature { get; init; }

    /// <summary>The weight α of the hard-label cross-entropy; the soft term gets 1 − α. In [0, 1].</summary>
    public double Alpha { get; init; } = 0.1;

    /// <summary>Standardize teacher and student logits per example before the temperature (Sun et al. 2024).</summary>
    public bool Standardize { get; init; }

    /// <summary>The student's temperature in effect: <see cref="StudentTemperature"/>, or <see cref="Temperature"/> when that is null.</summary>
    public double EffectiveStudentTemperature => StudentTemperature ?? Temperature;

    /// <summary>Throws when a value is out of range, naming the property.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A temperature is not a finite number &gt; 0, or α is outside [0, 1].</exception>
    public void Validate()
    {
        TensorArguments.RequireTemperature(Temperature, nameof(Temperature));
        if (StudentTemperature is { } studentTemperature)
        {
            TensorArguments.RequireTemperature(studentTemperature, nameof(StudentTemperature));
        }

        if (!(Alpha >= 0 && Alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "Alpha must lie in [0, 1]");
        }
    }
}
