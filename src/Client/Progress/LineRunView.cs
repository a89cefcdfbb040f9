using System.Globalization;
using Ensemble.Contracts.Api;

namespace Ensemble.Client.Progress;

/// <summary>One timestamped line per event: for logs and pipes, where bars would be noise.</summary>
public sealed class LineRunView(TextWriter output) : IRunView
{
    /// <inheritdoc/>
    public async Task FollowAsync(RunProgress progress, IAsyncEnumerable<RunEventView> events, CancellationToken cancellationToken)
    {
        await foreach (var e in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            progress.Apply(e);
            Write(e.At, e.TaskId ?? "run", WithoutTaskPrefix(e.TaskId, e.Message));
        }
    }

    /// <inheritdoc/>
    public void Note(string message) => Write(DateTimeOffset.Now, "run", message);

    /// <summary>The silo's messages often start with the task id, which the line already shows in its own column.</summary>
    private static string WithoutTaskPrefix(string? taskId, string message) =>
        taskId is { Length: > 0 } && message.Length > taskId.Length + 1 && message.StartsWith(taskId, StringComparison.Ordinal)
            && message[taskId.Length] is ':' or ' '
            ? message[(taskId.Length + 1)..].TrimStart()
            : message;

    private void Write(DateTimeOffset at, string task, string message) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{at.ToLocalTime():HH:mm:ss}  {task,-14} {message}"));
}
