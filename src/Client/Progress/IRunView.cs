using Ensemble.Contracts.Api;

namespace Ensemble.Client.Progress;

/// <summary>How a followed run is shown: live bars on a terminal, timestamped lines in a log, JSON for programs.</summary>
public interface IRunView
{
    /// <summary>Shows <paramref name="events"/> as they come, updating <paramref name="progress"/>, until they end.</summary>
    Task FollowAsync(RunProgress progress, IAsyncEnumerable<RunEventView> events, CancellationToken cancellationToken);

    /// <summary>A line about the run as a whole (resuming, where results went).</summary>
    void Note(string message);
}
