using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Ensemble.Grains.Telemetry;

/// <summary>
/// The process metrics every Prometheus client exposes (<c>process_cpu_seconds_total</c>,
/// <c>process_resident_memory_bytes</c>, <c>process_start_time_seconds</c>, <c>process_open_fds</c>) and the .NET
/// garbage collector's (<c>dotnet_gc_heap_bytes</c>, <c>dotnet_gc_collections_total{generation}</c>), as observable
/// instruments read at each scrape.
/// </summary>
internal static class ProcessMetrics
{
    private const string FileDescriptors = "/proc/self/fd";

    /// <summary>Creates the instruments on <paramref name="meter"/>.</summary>
    public static void Register(Meter meter)
    {
        var started = new DateTimeOffset(Process.GetCurrentProcess().StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0;
        meter.CreateObservableCounter("process.cpu", () => Environment.CpuUsage.TotalTime.TotalSeconds, "s",
            "User and system CPU time the process has used.");
        meter.CreateObservableGauge("process.resident_memory", () => Environment.WorkingSet, "By",
            "Resident memory of the process.");
        meter.CreateObservableGauge("process.start_time", () => started, "s",
            "When the process started, in seconds since the Unix epoch.");
        meter.CreateObservableGauge("process.open_fds", OpenFileDescriptors, "{fd}",
            "Open file descriptors of the process (Linux only).");
        meter.CreateObservableGauge("dotnet.gc.heap", () => GC.GetTotalMemory(forceFullCollection: false), "By",
            "Bytes the .NET garbage collector counts as allocated on the managed heap.");
        meter.CreateObservableCounter("dotnet.gc.collections", Collections, "{collection}",
            "Garbage collections of each generation since the process started.");
    }

    private static IEnumerable<Measurement<int>> OpenFileDescriptors()
    {
        if (!Directory.Exists(FileDescriptors)) return [];
        // The enumeration itself holds one descriptor open; it is not counted.
        return [new Measurement<int>(Directory.EnumerateFileSystemEntries(FileDescriptors).Count() - 1)];
    }

    private static IEnumerable<Measurement<long>> Collections() =>
        Enumerable.Range(0, GC.MaxGeneration + 1).Select(g => new Measurement<long>(GC.CollectionCount(g), new KeyValuePair<string, object?>("generation", g)));
}
