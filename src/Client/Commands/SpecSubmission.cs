using Ensemble.Client.Remote;
using Ensemble.Contracts.Api;
using Ensemble.Contracts.Specs;

namespace Ensemble.Client.Commands;

/// <summary>A spec file as <c>run</c> and <c>submit</c> send it: validated here first, named, and sent as canonical JSON.</summary>
internal static class SpecSubmission
{
    /// <summary>
    /// Reads and validates <paramref name="path"/> (so problems point into the user's file and a bad spec never reaches a
    /// silo), names it after the file when it has no name, and gives its canonical JSON.
    /// </summary>
    /// <exception cref="RunSpecException">The file is missing, unreadable or invalid; every problem is listed.</exception>
    public static (RunSpec Spec, string Json) Load(string path)
    {
        var spec = RunSpecReader.Load(path);
        spec = spec with { Name = spec.Name ?? Path.GetFileNameWithoutExtension(path) };
        return (spec, RunSpecWriter.ToJson(spec));
    }

    /// <summary>Submits <paramref name="json"/>; a spec the silo rejects (an older or newer silo can disagree) is reported like a local one.</summary>
    public static async Task<RunDetail> SubmitAsync(SiloClient client, string path, string json, CancellationToken cancellationToken)
    {
        try
        {
            return await client.SubmitAsync(json, RunSpecReader.Json, cancellationToken).ConfigureAwait(false);
        }
        catch (SiloRequestException e) when (e.Problem.Problems.Count > 0)
        {
            // By field only: the silo's line numbers are in the JSON sent, not in the user's file.
            throw new RunSpecException(e.Problem.Problems.Select(p => new SpecProblem(p.Path, p.Message)).ToList(), path);
        }
    }
}
