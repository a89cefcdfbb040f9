using System.CommandLine;

namespace Ensemble.Client.Commands;

/// <summary>The options several verbs share, built fresh for each command.</summary>
internal static class CliOptions
{
    /// <summary><c>--json</c>: machine-readable output.</summary>
    public static Option<bool> Json() => new("--json") { Description = "machine-readable JSON on stdout (one object per line when following a run)" };

    /// <summary><c>--all</c>: every artifact (task outputs, teacher models), not only the student and report.</summary>
    public static Option<bool> All() => new("--all") { Description = "every artifact (task outputs and teacher models too), not only the student and report" };

    /// <summary>The run-id argument.</summary>
    public static Argument<string> RunId() => new("id") { Description = "the run's id (see ensemble status)" };
}
