using System.Collections.Concurrent;

namespace Ensemble.Silo.Tests.Testing;

/// <summary>
/// An incoming grain call filter for a <see cref="TestSilo"/> (registered as a singleton <see cref="IIncomingGrainCallFilter"/>): it
/// counts every grain call by <c>Interface.Method</c> (e.g. <c>IRunGrain.ReadEvents</c>), and throws
/// <see cref="Fault"/>'s exception instead of a call it picks, as if the grain had thrown it.
/// </summary>
internal sealed class GrainProbe : IIncomingGrainCallFilter
{
    /// <summary>Calls so far, by <c>Interface.Method</c>.</summary>
    public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    /// <summary>Given a call's <c>Interface.Method</c>, null to let it through, or the exception the grain throws instead.</summary>
    public Func<string, Exception?>? Fault { get; set; }

    /// <summary>Calls so far to <paramref name="method"/> (<c>Interface.Method</c>).</summary>
    public int CallsTo(string method) => Calls.GetValueOrDefault(method);

    /// <inheritdoc/>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var method = $"{context.InterfaceMethod?.DeclaringType?.Name}.{context.MethodName}";
        Calls.AddOrUpdate(method, 1, (_, n) => n + 1);
        if (Fault?.Invoke(method) is { } fault) throw fault;
        await context.Invoke();
    }
}
