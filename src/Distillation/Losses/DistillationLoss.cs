using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Losses;

/// <summary>Losses that train a student on soft targets.</summary>
public static class DistillationLoss
{
    /// <summary>
    /// The distillation loss of Hinton, Vinyals &amp; Dean 2015 §2, as a scalar:
    /// <c>α·CE(z_s, y) + (1−α)·T_s²·KL(softmax(z_t/T_t) ‖ softmax(z_s/T_s))</c>, the KL averaged over the batch.
    /// </summary>
    /// <param name="studentLogits">The student's logits z_s, N×K.</param>
    /// <param name="teacherLogits">Soft targets as logits z_t at temperature T_t (N×K); they receive no gradient.</param>
    /// <param name="labels">The hard labels y (int64, N) or label distributions (N×K, mixup's blends: CE is then −Σ_i y_i log softmax(z_s)_i),
    /// or null for an unlabeled transfer set: the loss is then
    /// <c>T_s²·KL(…)</c> alone, the soft term taking the full weight.</param>
    /// <param name="options">Temperatures, α and the standardization switch.</param>
    /// <remarks>
    /// Why T²: ∂KL/∂z_s = (q − p)/T_s per example, with q = softmax(z_s/T_s), so the soft gradients shrink as 1/T
    /// (1/T² once the logits' differences are small against T); multiplying by T_s² keeps their size the same when
    /// the temperature changes, and the mix with the hard term stays as α says (Hinton et al. 2015 §2).
    /// With <see cref="KnowledgeDistillationOptions.Standardize"/>, z_t and z_s are each replaced by their per-example
    /// z-score (<see cref="LogitStandardization.Apply"/>) before dividing by their temperature (Sun et al. 2024).
    /// The cross-entropy term always uses the raw student logits (no temperature, no standardization).
    /// </remarks>
    /// <exception cref="ArgumentException">Shapes differ, the logits are not N×K, or labels are neither int64 [N] nor N×K distributions.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A temperature is ≤ 0 or α is outside [0, 1].</exception>
    public static Tensor Hinton(Tensor studentLogits, Tensor teacherLogits, Tensor? labels, KnowledgeDistillationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TensorArguments.RequireMatrix(studentLogits, nameof(studentLogits), minClasses: options.Standardize ? 2 : 1);
        TensorArguments.RequireSameShape(studentLogits, nameof(studentLogits), teacherLogits, nameof(teacherLogits));
        if (labels is not null)
        {
            TensorArguments.RequireLabels(labels, nameof(labels), studentLogits, nameof(studentLogits));
        }

        using var scope = NewDisposeScope();
        var teacher = teacherLogits.detach();
        var student = studentLogits;
        if (options.Standardize)
        {
            teacher = LogitStandardization.Apply(teacher);
            student = LogitStandardization.Apply(student);
        }

        var studentTemperature = options.EffectiveStudentTemperature;
        var logP = (teacher / options.Temperature).log_softmax(1);
        var logQ = (student / studentTemperature).log_softmax(1);
        // KL(p ‖ q) = Σ p (log p − log q), summed over classes and divided by N (PyTorch's batchmean, which
        // TorchSharp lacks); the target is given as log p (log_target), exact where p underflows.
        var klSum = nn.functional.kl_div(logQ, logP, log_target: true, reduction: nn.Reduction.Sum);
        var soft = klSum / studentLogits.size(0) * (studentTemperature * studentTemperature);
        if (labels is null)
        {
            return soft.MoveToOuterDisposeScope();
        }

        var hard = nn.functional.cross_entropy(studentLogits, labels);
        return (hard * options.Alpha + soft * (1 - options.Alpha)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Cross-entropy against a full target distribution, averaged over the batch:
    /// <c>(1/N) Σ_n −Σ_i p_ni · log softmax(z_n)_i</c> (for full-softmax specialists trained on soft targets).
    /// </summary>
    /// <param name="logits">N×K logits (no temperature is applied).</param>
    /// <param name="targetProbabilities">N×K target probabilities; rows should sum to 1. They receive no gradient.</param>
    /// <exception cref="ArgumentException">The shapes are not both N×K and equal.</exception>
    public static Tensor SoftCrossEntropy(Tensor logits, Tensor targetProbabilities)
    {
        TensorArguments.RequireMatrix(logits, nameof(logits));
        TensorArguments.RequireSameShape(logits, nameof(logits), targetProbabilities, nameof(targetProbabilities));
        using var scope = NewDisposeScope();
        return (-(targetProbabilities.detach() * logits.log_softmax(1)).sum(1).mean()).MoveToOuterDisposeScope();
    }
}
