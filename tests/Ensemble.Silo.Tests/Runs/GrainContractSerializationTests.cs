using System.Collections;
using System.Net;
using System.Reflection;
using Ensemble.Contracts.Access;
using Ensemble.Contracts.Grains;
using Ensemble.Contracts.Runs;
using Ensemble.Contracts.Specs;
using Ensemble.Grains.Execution;
using Ensemble.Grains.Placement;
using Ensemble.Grains.Runs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Xunit.Sdk;

namespace Ensemble.Silo.Tests.Runs;

/// <summary>
/// Every type a grain call carries (each grain interface's arguments and results, the exceptions grains throw to
/// callers, the grains' persistent states) survives Orleans' serializer and deep copier, field by field. The types
/// are found by reflection, so a new method's types are covered without a line here: a type without an Orleans
/// codec would otherwise fail only at run time, with <c>CodecNotFoundException</c>.
/// </summary>
public sealed class GrainContractSerializationTests(IdleSilo fixture) : IClassFixture<IdleSilo>
{
    private static readonly Assembly[] GrainAssemblies = [typeof(IRunGrain).Assembly, typeof(RunGrain).Assembly];

    /// <summary>Every type a grain call or a grain's storage carries, by its readable name.</summary>
    private static readonly Dictionary<string, Type> Carried = Discover().ToDictionary(Name, StringComparer.Ordinal);

    public static TheoryData<string> CarriedTypes => [.. Carried.Keys.Order(StringComparer.Ordinal)];

    [Fact]
    public void Discovery_FindsEveryTypeTheGrainContractsCarry()
    {
        Type[] expected =
        [
            typeof(NewRun), typeof(NewTask), typeof(RunSnapshot), typeof(RunRecord), typeof(TaskRecord), typeof(RunEvent), typeof(ArtifactRecord),
            typeof(SiloRecord), typeof(TaskCompletion), typeof(RunIndexEntry), typeof(TaskCount), typeof(AttemptStatus), typeof(FailureOutcome),
            typeof(RunState), typeof(TaskState), typeof(TaskAssignment), typeof(TaskPlacement), typeof(SlotReservation), typeof(SiloSlots),
            typeof(NoFreeSlotException), typeof(RunGrainState), typeof(RunIndexState), typeof(SlotRegistryState), typeof(TaskGrainState),
            typeof(SiloAddress), typeof(GrainId), typeof(SubmissionOutcome), typeof(SpecProblem), typeof(ClusterAccessDeniedException),
        ];
        var reachable = Carried.Values.SelectMany(Reachable).ToHashSet();

        Assert.Empty(expected.Where(t => !reachable.Contains(t)).Select(Name));
    }

    [Theory]
    [MemberData(nameof(CarriedTypes))]
    public void Serializer_RoundTripsEveryField(string type)
    {
        var declared = Carried[type];
        var value = Samples.Of(declared, seed: 1);
        var serializer = fixture.Silo.Services.GetRequiredService<Serializer>();

        var bytes = (byte[])Generic(nameof(Serializer.SerializeToArray), declared, typeof(Serializer), [declared]).Invoke(serializer, [value])!;
        var back = Generic(nameof(Serializer.Deserialize), declared, typeof(Serializer), [typeof(byte[])]).Invoke(serializer, [bytes]);

        Equivalence.Assert(value, back, type);
    }

    [Theory]
    [MemberData(nameof(CarriedTypes))]
    public void DeepCopier_CopiesEveryField(string type)
    {
        var declared = Carried[type];
        var value = Samples.Of(declared, seed: 2);
        var copier = fixture.Silo.Services.GetRequiredService<DeepCopier>();

        var copy = Generic(nameof(DeepCopier.Copy), declared, typeof(DeepCopier), [declared]).Invoke(copier, [value]);

        Equivalence.Assert(value, copy, type);
    }

    /// <summary>The arguments and results of every grain interface's methods, the serializable exceptions of the grain assemblies, and every grain's persistent state.</summary>
    private static IEnumerable<Type> Discover()
    {
        var types = new HashSet<Type>();
        var interfaces = GrainAssemblies.SelectMany(a => a.GetExportedTypes()).Where(t => t.IsInterface && typeof(IGrain).IsAssignableFrom(t));
        foreach (var method in interfaces.SelectMany(i => i.GetMethods()))
        {
            foreach (var parameter in method.GetParameters()) types.Add(parameter.ParameterType);
            if (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() is var open && (open == typeof(Task<>) || open == typeof(ValueTask<>)))
            {
                types.Add(method.ReturnType.GetGenericArguments()[0]);
            }
        }

        foreach (var type in GrainAssemblies.SelectMany(a => a.GetTypes()))
        {
            // An exception marked for the wire is one a grain throws to its callers.
            if (typeof(Exception).IsAssignableFrom(type) && type.GetCustomAttribute<GenerateSerializerAttribute>() is not null) types.Add(type);
            if (!typeof(Grain).IsAssignableFrom(type) || type.IsAbstract) continue;
            var states = type.GetConstructors().SelectMany(c => c.GetParameters())
                .Where(p => p.ParameterType.IsGenericType && p.ParameterType.GetGenericTypeDefinition() == typeof(IPersistentState<>));
            foreach (var state in states) types.Add(state.ParameterType.GetGenericArguments()[0]);
        }

        return types;
    }

    /// <summary><paramref name="type"/> and every type its properties, elements and type arguments hold, transitively.</summary>
    private static IEnumerable<Type> Reachable(Type type)
    {
        var seen = new HashSet<Type>();
        var queue = new Queue<Type>([type]);
        while (queue.TryDequeue(out var next))
        {
            if (!seen.Add(next)) continue;
            foreach (var argument in next.IsGenericType ? next.GetGenericArguments() : []) queue.Enqueue(argument);
            if (next.IsArray) queue.Enqueue(next.GetElementType()!);
            if (next.Assembly is var assembly && GrainAssemblies.Contains(assembly))
            {
                foreach (var property in next.GetProperties(BindingFlags.Public | BindingFlags.Instance)) queue.Enqueue(property.PropertyType);
            }
        }

        return seen;
    }

    private static MethodInfo Generic(string name, Type argument, Type on, Type[] parameters)
    {
        var method = on.GetMethods().Single(m => m.Name == name && m.IsGenericMethodDefinition && m.GetGenericArguments().Length == 1
            && m.GetParameters().Length == parameters.Length
            && m.MakeGenericMethod(argument).GetParameters().Select(p => p.ParameterType).SequenceEqual(parameters));
        return method.MakeGenericMethod(argument);
    }

    private static string Name(Type type) => type switch
    {
        { IsGenericType: true } when Nullable.GetUnderlyingType(type) is { } inner => $"{Name(inner)}?",
        { IsGenericType: true } => $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>",
        { IsArray: true } => $"{Name(type.GetElementType()!)}[]",
        _ => type.Name,
    };

    /// <summary>Values of a type with every field set to something other than its default, built by reflection.</summary>
    private static class Samples
    {
        public static object? Of(Type type, int seed, int depth = 0)
        {
            if (depth > 8) throw new XunitException($"{Name(type)}: nested too deep for a sample");
            if (Nullable.GetUnderlyingType(type) is { } underlying) return Of(underlying, seed, depth);
            if (type == typeof(string)) return $"text-{seed}";
            if (type == typeof(int)) return 7 + seed;
            if (type == typeof(byte)) return (byte)(200 + seed);
            if (type == typeof(long)) return 42L + seed;
            if (type == typeof(bool)) return true;
            if (type == typeof(double)) return 0.25 + seed;
            if (type == typeof(TimeSpan)) return TimeSpan.FromTicks(12_345_678 + seed);
            // Not UTC, and with ticks below a millisecond: a codec that drops either is caught.
            if (type == typeof(DateTimeOffset)) return new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567 + seed);
            if (type == typeof(SiloAddress)) return SiloAddress.New(IPAddress.Loopback, 11_111 + seed, 7 + seed);
            if (type == typeof(GrainId)) return GrainId.Create("teacher", $"r{seed}/teacher/{seed}");
            if (type.IsEnum)
            {
                // The last value: not the default one.
                var values = Enum.GetValuesAsUnderlyingType(type);
                return Enum.ToObject(type, values.GetValue(values.Length - 1)!);
            }

            if (typeof(Exception).IsAssignableFrom(type)) return Activator.CreateInstance(type, $"message-{seed}")!;
            if (type.IsArray)
            {
                var element = type.GetElementType()!;
                var array = Array.CreateInstance(element, 2);
                array.SetValue(Of(element, seed, depth + 1), 0);
                array.SetValue(Of(element, seed + 1, depth + 1), 1);
                return array;
            }

            if (Dictionary(type) is var (key, value))
            {
                var dictionary = (IDictionary)Activator.CreateInstance(type.IsInterface ? typeof(Dictionary<,>).MakeGenericType(key, value) : type)!;
                dictionary[Of(key, seed, depth + 1)!] = Of(value, seed, depth + 1);
                dictionary[Of(key, seed + 1, depth + 1)!] = Of(value, seed + 1, depth + 1);
                return dictionary;
            }

            if (Sequence(type) is { } item)
            {
                var list = (IList)Activator.CreateInstance(type.IsInterface ? typeof(List<>).MakeGenericType(item) : type)!;
                list.Add(Of(item, seed, depth + 1));
                list.Add(Of(item, seed + 1, depth + 1));
                return list;
            }

            if (type.IsInterface || type.IsAbstract) throw new XunitException($"{Name(type)}: no sample for it; teach {nameof(Samples)} one");
            var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
            var parameters = constructor.GetParameters();
            var instance = constructor.Invoke([.. parameters.Select((p, i) => Of(p.ParameterType, seed + i + 1, depth + 1))]);
            var set = parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && !set.Contains(p.Name)))
            {
                property.SetValue(instance, Of(property.PropertyType, seed + property.MetadataToken % 97, depth + 1));
            }

            return instance;
        }
    }

    /// <summary>Compares two values field by field: scalars by equality (a time with its offset), collections element by element, objects by every public property.</summary>
    private static class Equivalence
    {
        public static void Assert(object? expected, object? actual, string path)
        {
            if (expected is null)
            {
                if (actual is not null) throw new XunitException($"{path}: expected null, got {actual}");
                return;
            }

            if (actual is null) throw new XunitException($"{path}: expected {expected}, got null");
            var type = expected.GetType();
            if (type != actual.GetType()) throw new XunitException($"{path}: expected a {Name(type)}, got a {Name(actual.GetType())}");
            if (expected is DateTimeOffset time)
            {
                var other = (DateTimeOffset)actual;
                if (time.UtcTicks != other.UtcTicks || time.Offset != other.Offset) throw new XunitException($"{path}: expected {time:O}, got {other:O}");
                return;
            }

            if (type.IsPrimitive || type.IsEnum || expected is string or decimal or TimeSpan or Guid or SiloAddress or GrainId)
            {
                if (!expected.Equals(actual)) throw new XunitException($"{path}: expected {expected}, got {actual}");
                return;
            }

            if (expected is Exception exception)
            {
                Assert(exception.Message, ((Exception)actual).Message, $"{path}.Message");
                return;
            }

            if (expected is IDictionary dictionary)
            {
                var other = (IDictionary)actual;
                Assert(dictionary.Count, other.Count, $"{path}.Count");
                foreach (DictionaryEntry entry in dictionary)
                {
                    if (!other.Contains(entry.Key)) throw new XunitException($"{path}: key {entry.Key} is missing");
                    Assert(entry.Value, other[entry.Key], $"{path}[{entry.Key}]");
                }

                return;
            }

            if (expected is IEnumerable sequence)
            {
                var items = sequence.Cast<object?>().ToList();
                var others = ((IEnumerable)actual).Cast<object?>().ToList();
                Assert(items.Count, others.Count, $"{path}.Count");
                for (var i = 0; i < items.Count; i++) Assert(items[i], others[i], $"{path}[{i}]");
                return;
            }

            var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToList();
            if (properties.Count == 0) throw new XunitException($"{path}: a {Name(type)} has no public property to compare");
            foreach (var property in properties) Assert(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
        }
    }

    /// <summary>The key and value types when <paramref name="type"/> is a generic dictionary.</summary>
    private static (Type Key, Type Value)? Dictionary(Type type)
    {
        var dictionary = new[] { type }.Concat(type.GetInterfaces())
            .FirstOrDefault(t => t.IsGenericType && t.GetGenericTypeDefinition() is var d && (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>)));
        return dictionary is null ? null : (dictionary.GetGenericArguments()[0], dictionary.GetGenericArguments()[1]);
    }

    /// <summary>The element type when <paramref name="type"/> is a generic list or sequence.</summary>
    private static Type? Sequence(Type type) =>
        new[] { type }.Concat(type.GetInterfaces())
            .FirstOrDefault(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
}
