using System.Security.Cryptography;
using System.Text;
using Ensemble.Contracts.Grains;
using Ensemble.Contracts.Runs;
using Ensemble.Contracts.Specs;
using Ensemble.Grains.Plan;

namespace Ensemble.Grains.Runs;

/// <summary>
/// Turns a submitted spec into a stored run: validates it within <paramref name="limits"/> (null: <see cref="SpecLimits.Default"/>),
/// expands its plan, and stores run and tasks in one write of the run's grain. Nothing is stored for a spec over a limit.
/// The HTTP API and <see cref="IRunSubmissionGrain"/> (Orleans clients) both submit through it, so both hold a spec to
/// the same rules.
/// </summary>
public sealed class RunSubmitter(IGrainFactory grains, int maxAttempts = 3, SpecLimits? limits = null)
{
    /// <summary>The limits every submitted spec is held to.</summary>
    public SpecLimits Limits { get; } = limits ?? SpecLimits.Default;

    /// <summary>Validates and stores the spec in <paramref name="text"/> (<paramref name="format"/> <c>yaml</c> or <c>json</c>).</summary>
    /// <exception cref="RunSpecException">The spec is invalid or over a limit; every problem is listed by field.</exception>
    public Task<RunSnapshot> SubmitAsync(string text, string format, CancellationToken cancellationToken) =>
        SubmitAsync(RunSpecReader.Parse(text, format, "request body", Limits), cancellationToken);

    /// <summary>Validates and stores the spec in <paramref name="utf8"/>, a request body (<paramref name="format"/> <c>yaml</c> or <c>json</c>).</summary>
    /// <exception cref="RunSpecException">The spec is invalid, not UTF-8 or over a limit; every problem is listed.</exception>
    public Task<RunSnapshot> SubmitAsync(ReadOnlyMemory<byte> utf8, string format, CancellationToken cancellationToken) =>
        SubmitAsync(RunSpecReader.Parse(utf8.Span, format, "request body", Limits), cancellationToken);

    /// <summary>Validates and stores <paramref name="spec"/>.</summary>
    /// <exception cref="RunSpecException">The spec is invalid or over a limit; every problem is listed by field.</exception>
    public Task<RunSnapshot> SubmitAsync(RunSpec spec, CancellationToken cancellationToken)
    {
        var run = Build(spec, NewRunId(spec.Name ?? "run"), maxAttempts, Limits);
        return grains.GetGrain<IRunGrain>(run.RunId).Submit(run).WaitAsync(cancellationToken);
    }

    /// <summary>The run <paramref name="spec"/> expands to, under <paramref name="runId"/>, checked against <paramref name="limits"/> (null: the defaults).</summary>
    /// <exception cref="RunSpecException">The spec is invalid or over a limit.</exception>
    public static NewRun Build(RunSpec spec, string runId, int maxAttempts, SpecLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = spec.Validate(limits ?? SpecLimits.Default);
        if (problems.Count > 0) throw new RunSpecException(problems);
        var settings = RunSettingsTranslator.Translate(spec, runId);
        var plan = RunPlan.Expand(settings);
        var tasks = plan.Select(t => new NewTask(t.Id, TaskKindNames.Of(t.Kind), t.Index, t.DependsOn)).ToList();
        return new NewRun(runId, settings.Name, RunSpecWriter.ToJson(spec), tasks, spec.Teachers.Quorum, maxAttempts);
    }

    /// <summary>A fresh id: the name made URL-safe, then 8 random hex digits.</summary>
    public static string NewRunId(string name)
    {
        var slug = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c)) slug.Append(c);
            else if (slug.Length > 0 && slug[^1] != '-') slug.Append('-');
            if (slug.Length >= 40) break;
        }

        var stem = slug.ToString().Trim('-');
        return $"{(stem.Length == 0 ? "run" : stem)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
    }
}
