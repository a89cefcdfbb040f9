using Ensemble.Silo.Hosting;
using Microsoft.Extensions.Configuration;

namespace Ensemble.Silo.Tests.Hosting;

/// <summary>Tests for <see cref="SiloLimitsConfiguration"/>: an operator raises limits in configuration; a typo stops the silo by name.</summary>
public sealed class SiloLimitsConfigurationTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    /// <summary>Values set in the section replace their defaults; the rest keep theirs.</summary>
    [Fact]
    public void Read_RaisedLimits_ReplaceOnlyTheirDefaults()
    {
        var limits = SiloLimitsConfiguration.Read(Config(("Limits:Teachers", "128"), ("Limits:Document:Depth", "8")));

        Assert.Equal(128, limits.Teachers);
        Assert.Equal(8, limits.Document.Depth);
        Assert.Equal(1000, limits.Epochs);
        Assert.Equal(1 << 20, limits.Document.Bytes);
    }

    /// <summary>No section: the defaults.</summary>
    [Fact]
    public void Read_NoSection_GivesTheDefaults() => Assert.Equal(Ensemble.Contracts.Specs.SpecLimits.Default, SiloLimitsConfiguration.Read(Config()));

    /// <summary>A value out of range, one that is not a number, and a key that names no limit each stop start-up by name.</summary>
    [Theory]
    [InlineData("Limits:Teachers", "0", "invalid configuration: Limits:Teachers must be >= 1, got 0")]
    [InlineData("Limits:Teachers", "lots", "Limits:Teachers")]
    [InlineData("Limits:Teacher", "10", "Teacher")]
    public void Read_InvalidValue_IsAnArgumentExceptionNamingIt(string key, string value, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => SiloLimitsConfiguration.Read(Config((key, value))));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
