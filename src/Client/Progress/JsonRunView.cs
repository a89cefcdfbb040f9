using System.Text.Json;
using Ensemble.Contracts.Api;

namespace Ensemble.Client.Progress;

/// <summary>Each event as one line of JSON (the API's <see cref="RunEventView"/>), for programs that follow a run.</summary>
public sealed class JsonRunView(TextWriter output) : IRunView
{
    /// <inheritdoc/>
    public async Task FollowAsync(RunProgress progress, IAsyncEnumerable<RunEventView> events, CancellationToken cancellationToken)
    {
        await foreach (var e in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            progress.Apply(e);
            output.WriteLine(JsonSerializer.Serialize(e, ApiJson.Options));
        }
    }

    /// <inheritdoc/>
    public void Note(string message) => output.WriteLine(JsonSerializer.Serialize(new { note = message }, ApiJson.Options));
}
