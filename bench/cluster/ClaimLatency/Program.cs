// Claim latency of each task store with a deep queue: one run of N independent ready tasks, then C claims in a
// row (each claim completes its task, as a slot would, so the queue stays N deep minus what was claimed).
//   dotnet run -c Release -- [queued=10000] [claims=300] [sqlite|postgres=CONNECTION]...
using System.Diagnostics;
using System.Globalization;
using Ensemble.Silo.Store;

var queued = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
var claims = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 300;
var stores = args.Skip(2).ToList();
if (stores.Count == 0) stores.Add("sqlite");

Console.WriteLine($"| store | queued tasks | claims | claim p50 (ms) | claim p95 (ms) | complete p50 (ms) | create run (s) |");
Console.WriteLine("|---|---|---|---|---|---|---|");
foreach (var which in stores)
{
    var temp = Directory.CreateTempSubdirectory("claim-bench-").FullName;
    var location = which == "sqlite" ? $"sqlite:{Path.Combine(temp, "store.db")}" : which["postgres=".Length..];
    await using var store = TaskStoreFactory.Open(location);
    await store.MigrateAsync(CancellationToken.None);
    var runId = $"bench-{Guid.NewGuid():N}"[..14];
    var tasks = Enumerable.Range(0, queued).Select(i => new NewTask($"task/{i}", "teacher", i, [])).ToList();
    var create = Stopwatch.StartNew();
    await store.CreateRunAsync(new NewRun(runId, "bench", "{}", tasks, 1, 3), CancellationToken.None);
    var createSeconds = create.Elapsed.TotalSeconds;

    var claimMs = new List<double>();
    var completeMs = new List<double>();
    for (var i = 0; i < claims; i++)
    {
        var clock = Stopwatch.StartNew();
        var claim = await store.ClaimAsync("bench", TimeSpan.FromMinutes(5), CancellationToken.None) ?? throw new InvalidOperationException("queue empty");
        claimMs.Add(clock.Elapsed.TotalMilliseconds);
        clock.Restart();
        if (!await store.CompleteAsync(claim.Lease, new TaskCompletion("{}", []), CancellationToken.None)) throw new InvalidOperationException("refused");
        completeMs.Add(clock.Elapsed.TotalMilliseconds);
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {(which == "sqlite" ? "SQLite" : "PostgreSQL")} | {queued} | {claims} | {Percentile(claimMs, 0.5):F2} | {Percentile(claimMs, 0.95):F2} | {Percentile(completeMs, 0.5):F2} | {createSeconds:F1} |"));
    Directory.Delete(temp, recursive: true);
}

static double Percentile(List<double> values, double q)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(q * sorted.Count))];
}
