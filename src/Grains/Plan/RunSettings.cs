using Ensemble.Distillation.Ensembles;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Grains.Plan;

/// <summary>
/// A RunSpec translated into the training library's own types (see <see cref="RunSettingsTranslator"/>): what every
/// task reads. Tasks never look at the spec's file format, only at these.
/// </summary>
public sealed record RunSettings
{
    /// <summary>The run's name, for reports.</summary>
    public required string Name { get; init; }

    /// <summary>The base seed; teacher i uses Seed + i.</summary>
    public required int Seed { get; init; }

    /// <summary>Where tensors live and training runs.</summary>
    public required Device Device { get; init; }

    /// <summary>Which data, and how it is split.</summary>
    public required DataSettings Data { get; init; }

    /// <summary>The ensemble members.</summary>
    public required TeacherSettings Teachers { get; init; }

    /// <summary>The specialists; <see cref="SpecialistSettings.Count"/> 0 for none.</summary>
    public required SpecialistSettings Specialists { get; init; }

    /// <summary>How members' outputs become soft targets.</summary>
    public required AggregationMethod Aggregation { get; init; }

    /// <summary>How members are weighted in the aggregate.</summary>
    public required MemberWeighting Weighting { get; init; }

    /// <summary>The student and its training.</summary>
    public required StudentSettings Student { get; init; }

    /// <summary>Pruning and quantization of the exported student; null for none (the default).</summary>
    public CompressionSettings? Compression { get; init; }

    /// <summary>Whether the baseline (student architecture, hard labels only) is trained.</summary>
    public required bool Baseline { get; init; }
}
