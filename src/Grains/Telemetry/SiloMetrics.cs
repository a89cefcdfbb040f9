using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Ensemble.Contracts.Runs;
using Ensemble.Grains.Execution;
using Ensemble.Grains.Plan;

namespace Ensemble.Grains.Telemetry;

/// <summary>
/// One silo's metrics: the instruments of ARCHITECTURE §6 on the silo's own <see cref="System.Diagnostics.Metrics.Meter"/>
/// (<see cref="MeterName"/>), which the OpenTelemetry Prometheus exporter serves at <c>/metrics</c> beside Orleans'
/// own <c>Microsoft.Orleans</c> meter. Each silo's meter comes from its host's
/// <see cref="IMeterFactory"/>, so silos sharing a process (tests, the embedded silo) do not mix. Labels are bounded:
/// task kinds, states, outcomes; run and task ids only on the per-task gauges of tasks running here now.
/// </summary>
/// <remarks>
/// No series carries a <c>silo</c> label: Prometheus adds <c>instance</c> (and <c>job</c>) to everything it scrapes, and
/// <c>ensemble_silo_info{silo}</c> (like the exporter's <c>target_info{service_instance_id}</c>) maps an instance to its
/// silo id for a dashboard that wants the name (<c>… * on(instance) group_left(silo) ensemble_silo_info</c>).
/// </remarks>
public sealed class SiloMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ensemble.Silo";

    /// <summary>Bucket bounds of task durations, seconds: 5 ms to an hour.</summary>
    internal static readonly double[] TaskDurationBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600];

    private static readonly string[] Kinds = [.. Enum.GetValues<TaskKind>().Select(TaskKindNames.Of)];

    private readonly Counter<long> _starts;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _failovers;
    private readonly Counter<long> _samples;
    private readonly Counter<long> _epochs;
    private readonly Histogram<double> _taskDuration;
    private readonly ConcurrentDictionary<(string Run, string Task), (double Loss, double SamplesPerSecond)> _training = new();
    private volatile IReadOnlyDictionary<(string Kind, TaskState State), int>? _taskCounts;
    private volatile IReadOnlyDictionary<RunState, int>? _runCounts;
    private int _busySlots;

    /// <summary>
    /// The metrics of silo <paramref name="siloId"/>, which has <paramref name="slots"/> task slots, on a meter of
    /// <paramref name="meterFactory"/> (which owns it, and disposes it with the host). What is measured before a listener
    /// (the host's MeterProvider) exists is lost, the counters' zeros included: make one first.
    /// </summary>
    public SiloMetrics(IMeterFactory meterFactory, string siloId, int slots)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentException.ThrowIfNullOrWhiteSpace(siloId);
        ArgumentOutOfRangeException.ThrowIfNegative(slots);
        // No meter version: it would label every series (otel_scope_version), so each upgrade would start new series.
        Meter = meterFactory.Create(MeterName);

        Meter.CreateObservableGauge("ensemble.tasks", ObserveTasks, "{task}",
            "Tasks of every run by kind and state, as this silo last read the run index (every silo reports the same; take max, not sum).");
        Meter.CreateObservableGauge("ensemble.runs", ObserveRuns, "{run}",
            "Runs by state, as this silo last read the run index (every silo reports the same; take max, not sum).");
        _taskDuration = Meter.CreateHistogram("ensemble.task.duration", "s",
            "How long attempts on this silo took, from start to outcome, by task kind and outcome.", tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = TaskDurationBounds });
        _samples = Meter.CreateCounter<long>("ensemble.train.samples", "{sample}",
            "Training examples processed on this silo (each epoch's count, as its report gives it).");
        _epochs = Meter.CreateCounter<long>("ensemble.train.epochs", "{epoch}", "Training epochs finished on this silo.");
        Meter.CreateObservableGauge("ensemble.train.loss", () => ObserveTraining(t => t.Loss), null,
            "The latest epoch's mean training loss of each task training on this silo now.");
        Meter.CreateObservableGauge("ensemble.train.samples_per_second", () => ObserveTraining(t => t.SamplesPerSecond), "{sample}/s",
            "The latest epoch's training throughput of each task training on this silo now.");
        _retries = Meter.CreateCounter<long>("ensemble.task.retries", "{attempt}",
            "Failed attempts on this silo that their run will retry (tasks lost with a dead silo are counted apart).");
        _failovers = Meter.CreateCounter<long>("ensemble.task.failovers", "{task}",
            "Tasks this silo's failure watcher found on a silo the cluster declared dead and handed back to their runs, which place them again at once.");
        _starts = Meter.CreateCounter<long>("ensemble.task.starts", "{attempt}", "Attempts this silo's slots started.");
        Meter.CreateObservableGauge("ensemble.silo.slots", () => ObserveSlots(slots), "{slot}",
            "This silo's task slots: total, and busy running an attempt.");
        Meter.CreateObservableGauge("ensemble.silo.info", () => new Measurement<int>(1, new KeyValuePair<string, object?>("silo", siloId)), null,
            "Always 1; its silo label names the silo behind this instance.");
        ProcessMetrics.Register(Meter);

        // Counters start at 0 for every kind, so rate() and increase() see a series before its first event.
        _failovers.Add(0);
        foreach (var kind in Kinds)
        {
            var tag = Kind(kind);
            _starts.Add(0, tag);
            _retries.Add(0, tag);
            _samples.Add(0, tag);
            _epochs.Add(0, tag);
        }
    }

    /// <summary>The silo's meter.</summary>
    public Meter Meter { get; }

    /// <summary>An attempt of <paramref name="kind"/> started on this silo.</summary>
    internal void AttemptStarted(string kind) => _starts.Add(1, Kind(kind));

    /// <summary>A task grain took a slot of this silo.</summary>
    internal void SlotTaken() => Interlocked.Increment(ref _busySlots);

    /// <summary>A task grain gave its slot back.</summary>
    internal void SlotFreed() => Interlocked.Decrement(ref _busySlots);

    /// <summary>An attempt of <paramref name="kind"/> ended with <paramref name="outcome"/> after <paramref name="duration"/>.</summary>
    internal void AttemptEnded(string kind, AttemptOutcome outcome, TimeSpan duration) =>
        _taskDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", OutcomeName(outcome)));

    /// <summary>A failed attempt of <paramref name="kind"/> will be retried.</summary>
    internal void TaskRetried(string kind) => _retries.Add(1, Kind(kind));

    /// <summary>This silo handed <paramref name="count"/> tasks of a dead silo back to their runs.</summary>
    public void TasksFailedOver(int count) => _failovers.Add(count);

    /// <summary>
    /// Task <paramref name="taskId"/> of run <paramref name="runId"/> (a <paramref name="kind"/>) finished an epoch of
    /// <paramref name="samples"/> examples with mean loss <paramref name="loss"/> at <paramref name="samplesPerSecond"/>.
    /// </summary>
    internal void EpochFinished(string runId, string taskId, string kind, double loss, double samplesPerSecond, long samples)
    {
        _epochs.Add(1, Kind(kind));
        _samples.Add(samples, Kind(kind));
        _training[(runId, taskId)] = (loss, samplesPerSecond);
    }

    /// <summary>The task stopped training here: its loss and samples/s series go.</summary>
    internal void TrainingEnded(string runId, string taskId) => _training.TryRemove((runId, taskId), out _);

    /// <summary>The run index's entries, as just read: the run and task counts.</summary>
    public void IndexRead(IReadOnlyList<RunIndexEntry> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        _taskCounts = runs.SelectMany(r => r.Tasks).GroupBy(t => (t.Kind, t.State)).ToDictionary(g => g.Key, g => g.Sum(t => t.Count));
        _runCounts = runs.GroupBy(r => r.State).ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>The label value of an outcome: its name in lower case (<c>superseded</c>).</summary>
    internal static string OutcomeName(AttemptOutcome outcome) => outcome.ToString().ToLowerInvariant();

    private static KeyValuePair<string, object?> Kind(string kind) => new("kind", kind);

    private IEnumerable<Measurement<int>> ObserveTasks()
    {
        if (_taskCounts is not { } counts) yield break;
        // Every state of every kind, zeros included, so a panel shows 0 rather than nothing.
        foreach (var kind in Kinds.Union(counts.Keys.Select(k => k.Kind)))
        {
            foreach (var state in Enum.GetValues<TaskState>())
            {
                yield return new Measurement<int>(counts.GetValueOrDefault((kind, state)), Kind(kind),
                    new KeyValuePair<string, object?>("state", StateNames.Of(state)));
            }
        }
    }

    private IEnumerable<Measurement<int>> ObserveRuns()
    {
        if (_runCounts is not { } counts) yield break;
        foreach (var state in Enum.GetValues<RunState>())
        {
            yield return new Measurement<int>(counts.GetValueOrDefault(state), new KeyValuePair<string, object?>("state", StateNames.Of(state)));
        }
    }

    private IEnumerable<Measurement<double>> ObserveTraining(Func<(double Loss, double SamplesPerSecond), double> value) =>
        _training.Select(t => new Measurement<double>(value(t.Value), new KeyValuePair<string, object?>("run", t.Key.Run),
            new KeyValuePair<string, object?>("task", t.Key.Task)));

    private IEnumerable<Measurement<int>> ObserveSlots(int slots) =>
    [
        new(Volatile.Read(ref _busySlots), new KeyValuePair<string, object?>("state", "busy")),
        new(slots, new KeyValuePair<string, object?>("state", "total")),
    ];
}
