// The long fuzz run: the seeded mutator of the test suite (tests/Shared/Fuzzing/InputMutator.cs) over the example
// specs (YAML, and the same specs as canonical JSON) and over valid IDX files (raw and gzip), for a time budget per
// target. Prints one table row per target: cases tried, valid results, distinct errors (messages with their numbers
// and quoted values blanked), crashes (any exception but the reader's named one), the slowest case, and the time.
// Usage: dotnet run -c Release --project bench/fuzz/Fuzz -- EXAMPLES_DIR [SECONDS_PER_TARGET] [SEED]
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Ensemble.Contracts.Specs;
using Ensemble.Distillation.Data;
using Ensemble.Fuzzing;

string examples = args.Length > 0 ? args[0] : "examples";
double seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 60;
int seed = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;

var yaml = Directory.GetFiles(examples, "*.yaml").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
var json = yaml.Select(b => Encoding.UTF8.GetBytes(RunSpecWriter.ToJson(RunSpecReader.Parse(b, "yaml")))).ToList();
var idx = new List<byte[]> { Idx([6, 5, 4], 120), Idx([10], 10), Idx([3, 28, 28], 3 * 28 * 28) };
string scratch = Directory.CreateTempSubdirectory("ensemble-fuzz-").FullName;

Console.WriteLine($"seed {seed}, {seconds.ToString(CultureInfo.InvariantCulture)} s per target, {Environment.ProcessorCount} cores");
Console.WriteLine();
Console.WriteLine("| target | cases | valid | distinct errors | crashes | slowest case | time |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
int crashes = 0;
crashes += Run("spec yaml", yaml, InputMutator.YamlTokens, bytes => SpecCase(bytes, "yaml"));
crashes += Run("spec json", json, InputMutator.JsonTokens, bytes => SpecCase(bytes, "json"));
crashes += Run("idx raw", idx, InputMutator.NoTokens, bytes => IdxCase(bytes, gzip: false));
crashes += Run("idx gzip", idx, InputMutator.NoTokens, bytes => IdxCase(bytes, gzip: true));
Directory.Delete(scratch, recursive: true);
return crashes == 0 ? 0 : 1;

int Run(string target, List<byte[]> seeds, IReadOnlyList<string> tokens, Func<byte[], string?> attempt)
{
    var mutator = new InputMutator(tokens);
    var errors = new HashSet<string>(StringComparer.Ordinal);
    var crashed = new List<string>();
    int cases = 0, valid = 0;
    double slowest = 0;
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        byte[] input = mutator.Mutate(seeds[cases % seeds.Count], seed, cases);
        long start = Stopwatch.GetTimestamp();
        try
        {
            if (attempt(input) is { } error) errors.Add(Shape(error));
            else valid++;
        }
        catch (Exception e)
        {
            crashed.Add($"case {seed}/{cases}: {e.GetType().Name}: {e.Message}");
        }

        double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        // A slow case is as much a finding as a crash: it is how unbounded work shows.
        if (elapsed > 1000 && Environment.GetEnvironmentVariable("FUZZ_KEEP_SLOW") is { } keep) File.WriteAllBytes(Path.Combine(keep, $"{target.Replace(' ', '-')}-{cases}"), input);
        if (elapsed > 1000) Console.Error.WriteLine($"{target}: case {seed}/{cases} took {elapsed:0} ms ({input.Length} bytes): {Encoding.UTF8.GetString(input.AsSpan(0, Math.Min(input.Length, 300)))}");
        slowest = Math.Max(slowest, elapsed);
        cases++;
    }

    Console.WriteLine($"| {target} | {cases} | {valid} | {errors.Count} | {crashed.Count} | {slowest:0} ms | {clock.Elapsed.TotalSeconds:0.0} s |");
    foreach (var crash in crashed.Take(5)) Console.Error.WriteLine($"{target}: {crash}");
    return crashed.Count;
}

// A named refusal gives its message; anything else thrown is a crash.
static string? SpecCase(byte[] bytes, string format)
{
    try
    {
        RunSpecReader.Parse(bytes, format, "fuzz");
        return null;
    }
    catch (RunSpecException e)
    {
        return string.Join(" | ", e.Problems.Select(p => p.Message));
    }
}

string? IdxCase(byte[] bytes, bool gzip)
{
    string path = Path.Combine(scratch, gzip ? "case.gz" : "case");
    File.WriteAllBytes(path, gzip ? Gzip(bytes) : bytes);
    try
    {
        IdxFile.Read(path);
        return null;
    }
    catch (InvalidDataException e) when (e.Message.StartsWith(path + ": ", StringComparison.Ordinal))
    {
        return e.Message[(path.Length + 2)..];
    }
}

static string Shape(string message) => Regex.Replace(Regex.Replace(message, "'[^']*'", "'…'"), "[0-9]+", "N");

static byte[] Idx(int[] dimensions, int count)
{
    var bytes = new List<byte> { 0, 0, 0x08, (byte)dimensions.Length };
    foreach (int d in dimensions) bytes.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
    bytes.AddRange(Enumerable.Range(0, count).Select(i => (byte)(i * 37)));
    return [.. bytes];
}

static byte[] Gzip(byte[] bytes)
{
    using var output = new MemoryStream();
    using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
    return output.ToArray();
}
