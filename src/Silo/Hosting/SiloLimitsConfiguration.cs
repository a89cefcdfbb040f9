using Ensemble.Contracts.Specs;
using Microsoft.Extensions.Configuration;

namespace Ensemble.Silo.Hosting;

/// <summary>
/// A silo's <see cref="SpecLimits"/>, bound from configuration section <see cref="Section"/> (environment variables
/// <c>ENSEMBLE_LIMITS__TEACHERS=128</c>, <c>ENSEMBLE_LIMITS__DOCUMENT__DEPTH=16</c>, …) and validated when the silo
/// starts, so an operator's typo stops the silo with its name instead of loosening a limit silently.
/// </summary>
public static class SiloLimitsConfiguration
{
    /// <summary>The configuration section of the limits.</summary>
    public const string Section = "Limits";

    /// <summary>The prefix of the environment variables a silo reads its configuration from.</summary>
    public const string EnvironmentPrefix = "ENSEMBLE_";

    /// <summary>The configuration of this process's environment (<see cref="EnvironmentPrefix"/>), as a silo sees it.</summary>
    public static IConfiguration FromEnvironment() => new ConfigurationBuilder().AddEnvironmentVariables(EnvironmentPrefix).Build();

    /// <summary>The limits in <paramref name="configuration"/>: the defaults, with every value the section sets.</summary>
    /// <exception cref="ArgumentException">A value is not a number, names no limit, or is out of range; the message names it.</exception>
    public static SpecLimits Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        SpecLimits limits;
        try
        {
            limits = configuration.GetSection(Section).Get<SpecLimits>(o => o.ErrorOnUnknownConfiguration = true) ?? SpecLimits.Default;
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException($"configuration {Section}: {e.Message}{(e.InnerException is { } inner ? $" ({inner.Message})" : "")}", e);
        }

        var problems = limits.Problems($"{Section}:").ToList();
        if (problems.Count > 0) throw new ArgumentException($"invalid configuration: {string.Join("; ", problems)}");
        return limits;
    }
}
