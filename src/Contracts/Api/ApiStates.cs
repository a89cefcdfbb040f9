namespace Ensemble.Contracts.Api;

/// <summary>Questions about <see cref="ApiRunState"/> that both the silo and its clients ask.</summary>
public static class ApiStates
{
    /// <summary>True for the states a run never leaves: succeeded, failed, cancelled.</summary>
    public static bool IsTerminal(this ApiRunState state) =>
        state is ApiRunState.Succeeded or ApiRunState.Failed or ApiRunState.Cancelled;

    /// <summary>The wire word for <paramref name="state"/> (<c>queued</c>, <c>running</c>, …).</summary>
    public static string ToWire(this ApiRunState state) => state.ToString().ToLowerInvariant();

    /// <summary>The wire word for <paramref name="state"/> (<c>pending</c>, <c>ready</c>, …).</summary>
    public static string ToWire(this ApiTaskState state) => state.ToString().ToLowerInvariant();
}
