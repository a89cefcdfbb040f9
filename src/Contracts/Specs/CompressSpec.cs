namespace Ensemble.Contracts.Specs;

/// <summary>
/// <c>distillation.compress</c>: what is done to the exported student to make it smaller and faster to deploy. Each
/// part is off unless written (<c>prune: {}</c> turns pruning on with its defaults); the default is no compression.
/// </summary>
public sealed record CompressSpec
{
    /// <summary><c>prune</c>: magnitude pruning and fine-tuning; null (default) for none.</summary>
    public PruneSpec? Prune { get; init; }

    /// <summary><c>quantize</c>: int8 post-training quantization; null (default) for none.</summary>
    public QuantizeSpec? Quantize { get; init; }

    /// <summary>Whether anything is asked for.</summary>
    public bool IsEnabled => Prune is not null || Quantize is not null;

    /// <summary>Every problem with this section.</summary>
    /// <param name="path">The section's path, normally <c>distillation.compress</c>.</param>
    public IEnumerable<SpecProblem> Validate(string path) =>
        (Prune?.Validate(SpecPath.Field(path, "prune")) ?? []).Concat(Quantize?.Validate(SpecPath.Field(path, "quantize")) ?? []);
}
