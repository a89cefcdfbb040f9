using Ensemble.Distillation.Specialists;

namespace Ensemble.Distillation.Tests.Specialists;

public sealed class SpecialistSamplerTests
{
    /// <summary>100 examples: 10 of class 0, 10 of class 1, 20 each of classes 2–5, interleaved.</summary>
    private static int[] Labels()
    {
        var labels = new List<int>();
        for (var c = 0; c < 6; c++) labels.AddRange(Enumerable.Repeat(c, c < 2 ? 10 : 20));
        return labels.Select((l, i) => (l, key: (i * 37) % 100)).OrderBy(x => x.key).Select(x => x.l).ToArray();
    }

    [Fact]
    public void Default_TakesEverySpecialExampleAndAsManyDistinctOthers_Shuffled()
    {
        var labels = Labels();
        var sample = SpecialistSampler.Sample(labels, [0, 1], seed: 5);

        var special = sample.Indices.Where(i => labels[i] <= 1).ToList();
        var rest = sample.Indices.Where(i => labels[i] > 1).ToList();
        Assert.Equal(Enumerable.Range(0, 100).Where(i => labels[i] <= 1), special.Order()); // all 20, each once
        Assert.Equal(20, rest.Count);
        Assert.Equal(20, rest.Distinct().Count());
        // Shuffled: the special examples are not all at the front.
        Assert.Contains(sample.Indices.Take(20), i => labels[i] > 1);
        // π = 20/100; (1 − π)/π = 0.8/0.2 = 4.
        Assert.Equal(0.2, sample.SpecialFraction, 12);
        Assert.Equal(4.0, sample.OversamplingRatio, 12);
        Assert.Equal(Math.Log(4), sample.DustbinLogitCorrection, 12);
    }

    [Fact]
    public void SameSeed_SameSample_OtherSeed_OtherRestExamples()
    {
        var labels = Labels();
        var a = SpecialistSampler.Sample(labels, [0, 1], seed: 5);
        var b = SpecialistSampler.Sample(labels, [0, 1], seed: 5);
        var c = SpecialistSampler.Sample(labels, [0, 1], seed: 6);

        Assert.Equal(a.Indices, b.Indices);
        Assert.NotEqual(a.Indices.Where(i => labels[i] > 1).Order(), c.Indices.Where(i => labels[i] > 1).Order());
    }

    [Fact]
    public void GivenSize_SplitsItInHalves_RepeatingSpecialExamplesWhenThereAreTooFew()
    {
        var labels = Labels();

        var small = SpecialistSampler.Sample(labels, [0, 1], seed: 1, size: 31);
        Assert.Equal(31, small.Indices.Length);
        Assert.Equal(16, small.Indices.Count(i => labels[i] <= 1)); // ⌈31/2⌉
        Assert.Equal(31, small.Indices.Distinct().Count());
        // Sample odds 16 : 15 over natural odds 20 : 80: (16/15)·4.
        Assert.Equal(16.0 / 15 * 4, small.OversamplingRatio, 12);

        var large = SpecialistSampler.Sample(labels, [0, 1], seed: 1, size: 90);
        var specialCounts = large.Indices.Where(i => labels[i] <= 1).GroupBy(i => i).Select(g => g.Count()).ToList();
        Assert.Equal(20, specialCounts.Count); // every special example…
        Assert.Equal(45, specialCounts.Sum()); // …45 draws: twice each, and 5 of them a third time
        Assert.Equal(5, specialCounts.Count(n => n == 3));
        Assert.Equal(45, large.Indices.Where(i => labels[i] > 1).Distinct().Count());
        Assert.Equal(4.0, large.OversamplingRatio, 12);
    }

    [Fact]
    public void TooFewRestExamples_TakesThemAll_AndTheRatioSaysHowLittleWasOversampled()
    {
        // 4 special (class 1), 2 rest: the sample is the whole data set, so nothing needs undoing (ratio 1).
        int[] labels = [1, 0, 1, 1, 2, 1];
        var sample = SpecialistSampler.Sample(labels, [1], seed: 0);

        Assert.Equal([0, 1, 2, 3, 4, 5], sample.Indices.Order());
        // π = 4/6; (1 − π)/π = 1/2; sample odds 4 : 2 → ratio (1/2)·(4/2) = 1.
        Assert.Equal(1.0, sample.OversamplingRatio, 12);
    }

    [Fact]
    public void InvalidArguments_AreNamed()
    {
        var labels = Labels();
        Assert.Equal("classes", Assert.Throws<ArgumentException>(() => SpecialistSampler.Sample(labels, [1, 0], 0)).ParamName);
        Assert.Equal("classes", Assert.Throws<ArgumentException>(() => SpecialistSampler.Sample(labels, [], 0)).ParamName);
        Assert.Equal("classes", Assert.Throws<ArgumentException>(() => SpecialistSampler.Sample(labels, [0, 1, 2, 3, 4, 5], 0)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => SpecialistSampler.Sample(labels, [9], 0)).ParamName);
        var tooBig = Assert.Throws<ArgumentOutOfRangeException>(() => SpecialistSampler.Sample(labels, [0, 1], 0, size: 170));
        Assert.Equal("size", tooBig.ParamName);
        Assert.Contains("85 rest examples", tooBig.Message);
    }
}
