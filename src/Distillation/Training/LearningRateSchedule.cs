namespace Ensemble.Distillation.Training;

/// <summary>The learning rate at a given step of a run.</summary>
public static class LearningRateSchedule
{
    /// <summary>The rate for step <paramref name="step"/> (0-based) of <paramref name="totalSteps"/>.</summary>
    public static double At(ScheduleKind kind, double baseRate, long step, long totalSteps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        var t = Math.Clamp((double)step / totalSteps, 0, 1);
        switch (kind)
        {
            case ScheduleKind.Constant:
                return baseRate;
            case ScheduleKind.Cosine:
                return baseRate * 0.5 * (1 + Math.Cos(Math.PI * t));
            case ScheduleKind.OneCycle:
                const double warmup = 0.3, divFactor = 25, finalDivFactor = 1e4;
                double initial = baseRate / divFactor, final = initial / finalDivFactor;
                return t < warmup
                    ? Anneal(initial, baseRate, t / warmup)
                    : Anneal(baseRate, final, (t - warmup) / (1 - warmup));
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown schedule");
        }
    }

    // Cosine interpolation from start (fraction 0) to end (fraction 1).
    private static double Anneal(double start, double end, double fraction) =>
        end + (start - end) / 2 * (1 + Math.Cos(Math.PI * fraction));
}
