using System.Text.Json;
using Ensemble.Contracts.Specs;
using Ensemble.Contracts.Specs.Serialization;

namespace Ensemble.Contracts.Tests.Specs;

/// <summary>Tests for the edit-distance suggestions and the enum words.</summary>
public sealed class SuggestionsAndWordsTests
{
    /// <summary>Optimal string alignment distances worked by hand.</summary>
    [Theory]
    [InlineData("count", "count", 0)]
    [InlineData("cuont", "count", 1)] // one adjacent transposition (u, o)
    [InlineData("epoch", "epochs", 1)] // one insertion
    [InlineData("kitten", "sitting", 3)] // k→s, e→i, insert g
    [InlineData("", "abc", 3)]
    [InlineData("ca", "abc", 3)] // OSA cannot edit a transposed pair again: delete c, a stays, insert b, c
    public void Distance_KnownPairs(string a, string b, int expected)
    {
        Assert.Equal(expected, Suggestions.Distance(a, b));
        Assert.Equal(expected, Suggestions.Distance(b, a));
    }

    /// <summary>The nearest candidate within a third of the word's length is suggested; nothing past that.</summary>
    [Fact]
    public void Closest_SuggestsOnlyNearCandidates()
    {
        string[] fields = ["count", "bootstrap", "model", "training"];

        Assert.Equal("count", Suggestions.Closest("cuont", fields));
        Assert.Equal("count", Suggestions.Closest("COUNT", fields));
        Assert.Equal("training", Suggestions.Closest("trainnig", fields));
        Assert.Null(Suggestions.Closest("size", fields));
        Assert.Null(Suggestions.Closest("xyz", fields));
    }

    /// <summary>Every member of every spec enum has a distinct word, and System.Text.Json writes the same word.</summary>
    [Fact]
    public void EnumWords_MatchSystemTextJson()
    {
        AssertWords<ModelArchitecture>(["mlp", "cnn"]);
        AssertWords<ScheduleName>(["constant", "cosine", "one-cycle"]);
        AssertWords<OptimizerName>(["sgd", "adamw"]);
        AssertWords<AugmentationName>(["none", "shift", "shift-flip"]);
        AssertWords<SpecialistClustering>(["confusion", "covariance"]);
        AssertWords<SpecialistHead>(["dustbin", "full"]);
        AssertWords<AggregationMethod>(["arithmetic", "geometric", "logits"]);
        AssertWords<MemberWeighting>(["uniform", "accuracy", "entropy"]);
        AssertWords<LogitStandardizationMode>(["off", "on", "compare"]);
    }

    /// <summary><see cref="ValueList{T}"/> compares by contents, so records holding one do too.</summary>
    [Fact]
    public void ValueList_HasValueEquality()
    {
        ValueList<int> a = [1, 2, 3];
        ValueList<int> b = [1, 2, 3];
        ValueList<int> c = [1, 2];

        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(a != c);
        Assert.Equal("[1, 2, 3]", a.ToString());
        Assert.Equal(new ModelSection { Hidden = [5] }, new ModelSection { Hidden = [5] });
        Assert.NotEqual(new ModelSection { Hidden = [5] }, new ModelSection { Hidden = [6] });
        int[] copy = a.ToArray();
        copy[0] = 9;
        Assert.Equal(1, a[0]);
    }

    private static void AssertWords<T>(string[] expected)
        where T : struct, Enum
    {
        Assert.Equal(expected, EnumWords<T>.All);
        foreach (var value in Enum.GetValues<T>())
        {
            string word = EnumWords<T>.Word(value);
            Assert.Equal($"\"{word}\"", JsonSerializer.Serialize(value));
            Assert.True(EnumWords<T>.TryParse(word.ToUpperInvariant(), out T parsed));
            Assert.Equal(value, parsed);
        }
    }
}
