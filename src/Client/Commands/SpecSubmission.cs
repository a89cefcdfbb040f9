using Ensemble.Client.Remote;
using Ensemble.Contracts.Api;
using Ensemble.Contracts.Specs;
using Ensemble.Silo.Hosting;

namespace Ensemble.Client.Commands;

/// <summary>A spec file as <c>run</c> and <c>submit</c> send it: validated here first, named, and sent as canonical JSON.</summary>
internal static class SpecSubmission
{
    /// <summary>
    /// Reads and validates <paramref name="path"/> (so problems point into the user's file and a bad spec never reaches a
    /// silo), names it after the file when it has no name, and gives its canonical JSON. A spec for a remote silo is held
    /// to the document limits only (<see cref="SpecLimits.Unlimited"/>): its counts are that silo's to judge, under limits
    /// its operator may have raised; an embedded run is held to the limits its silo will apply.
    /// </summary>
    /// <exception cref="RunSpecException">The file is missing, unreadable, invalid or over a limit; every problem is listed.</exception>
    public static (RunSpec Spec, string Json) Load(string path, bool remote)
    {
        var limits = remote ? SpecLimits.Unlimited : SiloLimitsConfiguration.Read(SiloLimitsConfiguration.FromEnvironment());
        var spec = RunSpecReader.Load(path, limits);
        spec = spec with { Name = spec.Name ?? Path.GetFileNameWithoutExtension(path) };
        return (spec, RunSpecWriter.ToJson(spec));
    }

    /// <summary>Submits <paramref name="json"/>; a spec the silo rejects (an older or newer silo can disagree) is reported like a local one.</summary>
    public static async Task<RunDetail> SubmitAsync(ClusterSession client, string path, string json, CancellationToken cancellationToken)
    {
        try
        {
            return await client.SubmitAsync(json, cancellationToken).ConfigureAwait(false);
        }
        catch (RunSpecException e) when (e.FileName is null)
        {
            // By field only: the silo's line numbers are in the JSON sent, not in the user's file.
            throw new RunSpecException(e.Problems.Select(p => new SpecProblem(p.Path, p.Message)).ToList(), path);
        }
    }
}
