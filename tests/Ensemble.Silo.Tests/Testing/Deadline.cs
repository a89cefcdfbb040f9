using Xunit.Sdk;

namespace Ensemble.Silo.Tests.Testing;

/// <summary>Polls for something the cluster does in the background (a placement, a stop) until a deadline, instead of sleeping a fixed time.</summary>
internal static class Deadline
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Reads <paramref name="read"/> until <paramref name="done"/> holds for its value and returns that value; fails
    /// with <paramref name="what"/> and the last value read when <paramref name="seconds"/> pass first.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, double seconds = 10)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(seconds);
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTimeOffset.UtcNow > deadline) throw new XunitException($"not within {seconds} s: {what}; last seen: {value}");
            await Task.Delay(Pause);
        }
    }

    /// <summary>Waits until <paramref name="done"/> holds; fails with <paramref name="what"/> when <paramref name="seconds"/> pass first.</summary>
    public static async Task UntilAsync(Func<bool> done, string what, double seconds = 10)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!done())
        {
            if (DateTimeOffset.UtcNow > deadline) throw new XunitException($"not within {seconds} s: {what}");
            await Task.Delay(Pause);
        }
    }
}
