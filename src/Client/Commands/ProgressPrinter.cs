using System.Globalization;
using System.Text.Json;
using Ensemble.Grains.Tasks;

namespace Ensemble.Client.Commands;

/// <summary>Prints a run's progress: timestamped lines, or one JSON object per event with <c>--json</c>.</summary>
internal sealed class ProgressPrinter(bool json)
{
    private readonly Lock _gate = new();

    /// <summary>Prints a line about the run as a whole.</summary>
    public void Line(string message) => Progress(new TaskProgress("run", message));

    /// <summary>Prints one task's progress.</summary>
    public void Progress(TaskProgress progress)
    {
        lock (_gate)
        {
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    time = DateTimeOffset.UtcNow,
                    task = progress.TaskId,
                    message = progress.Message,
                    epoch = progress.Epoch,
                    epochs = progress.Epochs,
                    loss = progress.Loss,
                    samples_per_second = progress.SamplesPerSecond,
                }));
                return;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.Now:HH:mm:ss}  {progress.TaskId,-14} {progress.Message}"));
        }
    }
}
