using System.Collections.Concurrent;
using System.Reflection;
using Ensemble.Silo.Store;

namespace Ensemble.Silo.Tests.Api;

/// <summary>
/// A real store seen through a window: every call goes to <see cref="Target"/>, counted by method name, unless
/// <see cref="Intercept"/> answers it first (to make one call fail or stall).
/// </summary>
public class StoreProbe : DispatchProxy
{
    public ITaskStore Target { get; private set; } = null!;

    public ConcurrentDictionary<string, int> Calls { get; } = new();

    /// <summary>Given a method name, null to let the call through, or a task (of the method's type) to return instead.</summary>
    public Func<string, object?>? Intercept { get; set; }

    public static (ITaskStore Store, StoreProbe Probe) Wrap(ITaskStore target)
    {
        var store = Create<ITaskStore, StoreProbe>();
        var probe = (StoreProbe)(object)store;
        probe.Target = target;
        return (store, probe);
    }

    public int CallsTo(string method) => Calls.GetValueOrDefault(method);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        Calls.AddOrUpdate(targetMethod!.Name, 1, (_, n) => n + 1);
        if (Intercept?.Invoke(targetMethod.Name) is { } answer) return answer;
        try
        {
            return targetMethod.Invoke(Target, args);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            throw exception.InnerException;
        }
    }
}
