using System.Globalization;
using Ensemble.Distillation.Training;

namespace Ensemble.Grains.Tasks;

/// <summary>Turns a trainer's epoch report into a progress line.</summary>
internal static class EpochProgress
{
    /// <summary>The progress of <paramref name="taskId"/> after <paramref name="report"/>'s epoch.</summary>
    public static TaskProgress From(string taskId, EpochReport report)
    {
        var accuracy = report.TestAccuracy is { } a ? string.Create(CultureInfo.InvariantCulture, $", val acc {a:P2}") : "";
        var message = string.Create(CultureInfo.InvariantCulture,
            $"epoch {report.Epoch}/{report.Epochs}: loss {report.Loss:F4}, {report.SamplesPerSecond:F0} samples/s{accuracy}");
        // The trainer measures throughput as examples over training seconds, so their product is the example count.
        return new TaskProgress(taskId, message, report.Epoch, report.Epochs, report.Loss, report.SamplesPerSecond,
            (long)Math.Round(report.SamplesPerSecond * report.Seconds));
    }
}
