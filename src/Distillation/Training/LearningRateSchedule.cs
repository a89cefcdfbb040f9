using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Training;

/// <summary>The per-step learning-rate schedules, as TorchSharp's schedulers.</summary>
public static class LearningRateSchedule
{
    /// <summary>
    /// The scheduler for <paramref name="kind"/> over <paramref name="totalSteps"/> optimizer steps, stepped once after
    /// each of them; null for <see cref="ScheduleKind.Constant"/>. Cosine is <c>CosineAnnealingLR(T_max = totalSteps)</c>
    /// down to 0; one-cycle is <c>OneCycleLR</c> with PyTorch's defaults (30 % warm-up from base/25, cosine annealing
    /// to base/25/10⁴, momentum cycled between 0.95 and 0.85).
    /// </summary>
    /// <remarks>TorchSharp's schedulers keep no state dict: a resumed run makes a fresh one and steps it to the saved step.</remarks>
    public static optim.lr_scheduler.LRScheduler? Create(OptimizerHelper optimizer, ScheduleKind kind, double baseRate, long totalSteps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        return kind switch
        {
            ScheduleKind.Constant => null,
            ScheduleKind.Cosine => optim.lr_scheduler.CosineAnnealingLR(optimizer, totalSteps),
            // total_steps + 1: step s then uses the value at s / totalSteps, and the last step stays within the cycle.
            ScheduleKind.OneCycle => optim.lr_scheduler.OneCycleLR(optimizer, baseRate, checked((int)totalSteps) + 1),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown schedule"),
        };
    }
}
