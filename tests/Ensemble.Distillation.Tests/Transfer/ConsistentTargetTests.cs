using Ensemble.Distillation.Data;
using Ensemble.Distillation.Ensembles;
using Ensemble.Distillation.Losses;
using Ensemble.Distillation.Models;
using Ensemble.Distillation.Training;
using Ensemble.Distillation.Transfer;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Transfer;

/// <summary>Online ("consistent") targets: the teachers score exactly the augmented and mixed images the student is shown.</summary>
public sealed class ConsistentTargetTests
{
    private const double Temperature = 2;

    [Fact]
    public void AugmentedAndMixedEpoch_CarriesTheTeachersTargetsOfThoseVeryImages()
    {
        var images = RandomImages(48, seed: 4);
        using var teacher = Teacher(images, out var members);
        using var set = new AugmentedTrainingSet(images, AugmentationKind.Shift, seed: 9, mixup: 0.4,
            targets: (_, features) => teacher.SoftTargets(features, batchSize: 20));

        var epoch = set.ForEpoch(3);

        // The epoch's images are not the stored ones: shifted and blended.
        using var stored = new DatasetTensors(images);
        Assert.True(epoch.Features.sub(stored.Features).abs().max().ToDouble() > 0.1);
        // A direct forward of the members on those images, averaged by hand (arithmetic mean at T, as T·log p̄), gives the targets.
        using (var direct = DirectTargets(members, epoch.Features))
        {
            Assert.True(epoch.Targets!.sub(direct).abs().max().ToDouble() < 1e-5);
        }

        // …and they are not the targets of the unaugmented images.
        using (var unaugmented = DirectTargets(members, stored.Features))
        {
            Assert.True(epoch.Targets!.sub(unaugmented).abs().max().ToDouble() > 1e-2);
        }

        // Mixup's labels: each row a distribution over at most two classes.
        Assert.Equal([images.Count, images.ClassCount], epoch.Labels!.shape);
        Assert.True(epoch.Labels.sum(1).sub(1).abs().max().ToDouble() < 1e-6);
        Assert.True(epoch.Labels.gt(0).sum(1).le(2).all().ToBoolean());
    }

    [Fact]
    public void SameSeedAndEpoch_GiveTheSameImages_SoAResumedRunSeesWhatItWouldHaveSeen()
    {
        var images = RandomImages(16, seed: 5);
        using var first = new AugmentedTrainingSet(images, AugmentationKind.ShiftFlip, seed: 2, mixup: 1.0);
        using var second = new AugmentedTrainingSet(images, AugmentationKind.ShiftFlip, seed: 2, mixup: 1.0);
        var a = first.ForEpoch(5);
        second.ForEpoch(1);
        var b = second.ForEpoch(5);
        Assert.True(a.Features.eq(b.Features).all().ToBoolean());
        Assert.True(a.Labels!.eq(b.Labels!).all().ToBoolean());
        using var fifth = a.Features.clone();
        Assert.False(fifth.eq(first.ForEpoch(6).Features).all().ToBoolean());
    }

    [Fact]
    public void MixupDraw_BlendsEachExampleWithItsPartner_AndTheirLabels()
    {
        var data = new Dataset("four", [10f, 20f, 30f, 40f], [1], [0, 1, 2, 0], 3);
        var draw = MixupDraw.Apply(data, alpha: 0.5, seed: 3);

        Assert.Equal([0, 1, 2, 3], draw.Partners.Order().ToArray());
        var labels = draw.LabelDistributions();
        for (var i = 0; i < 4; i++)
        {
            var (lambda, partner) = (draw.Weights[i], draw.Partners[i]);
            Assert.InRange(lambda, 0f, 1f);
            Assert.Equal(lambda * data.Features[i] + (1 - lambda) * data.Features[partner], draw.Mixed.Features[i], 4);
            var expected = new float[3];
            expected[data.Labels[i]] += lambda;
            expected[data.Labels[partner]] += 1 - lambda;
            Assert.Equal(expected, labels.AsSpan(i * 3, 3).ToArray());
        }
    }

    [Fact]
    public void UnlabeledExamples_HaveZeroLabelRows_AndCarryNoLabelIntoAMixedBlend()
    {
        var data = new Dataset("four", [10f, 20f, 30f, 40f], [1], [0, 1, 2, 0], 3);
        var weights = LabelDistributions.Mask(4, [0, 2]);
        Assert.Equal([1f, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0], LabelDistributions.OneHot(data.Labels, 3, weights));

        var draw = MixupDraw.Apply(data, alpha: 0.5, seed: 3);
        var labels = draw.LabelDistributions(weights);
        for (var i = 0; i < 4; i++)
        {
            var partner = draw.Partners[i];
            var expected = weights[i] * draw.Weights[i] + weights[partner] * (1 - draw.Weights[i]);
            Assert.Equal(expected, labels.AsSpan(i * 3, 3).ToArray().Sum(), 5);
        }

        using var set = new AugmentedTrainingSet(data, AugmentationKind.None, seed: 1, labelWeights: weights, targets: (_, x) => zeros(x.size(0), 3));
        var epoch = set.ForEpoch(1);
        Assert.Equal([0f, 0, 0], epoch.Labels![1].data<float>().ToArray());
        Assert.Equal([0f, 0, 1], epoch.Labels[2].data<float>().ToArray());
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.4)]
    [InlineData(2.0)]
    public void BetaSampler_HasTheMeanAndVarianceOfBetaAlphaAlpha(double alpha)
    {
        // Beta(α, α): mean ½, variance 1 / (4(2α + 1)) — 0.179, 0.139, 0.050 here; a uniform draw would give 0.083.
        var random = new Random(11);
        var draws = Enumerable.Range(0, 40_000).Select(_ => BetaSampler.Sample(random, alpha)).ToArray();
        var mean = draws.Average();
        var variance = draws.Select(d => (d - mean) * (d - mean)).Average();
        Assert.InRange(mean, 0.49, 0.51);
        Assert.InRange(variance, 1 / (4 * (2 * alpha + 1)) - 0.004, 1 / (4 * (2 * alpha + 1)) + 0.004);
        Assert.All(draws, d => Assert.InRange(d, 0, 1));
    }

    [Fact]
    public void HintonLoss_OnBlendedLabels_IsTheSameBlendOfTheLossesOnEachLabel()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new float[] { 2, -1, 0.5f, 0, 1, -2 }, [2, 3]);
        var teacher = tensor(new float[] { 1, 0, 0, 0, 2, 1 }, [2, 3]);
        var a = tensor(new long[] { 0, 1 });
        var b = tensor(new long[] { 2, 2 });
        const float lambda = 0.3f;
        var blended = tensor(new float[] { lambda, 0, 1 - lambda, 0, lambda, 1 - lambda }, [2, 3]);
        var kd = new KnowledgeDistillationOptions { Temperature = 2, Alpha = 0.5 };

        var mixed = DistillationLoss.Hinton(logits, teacher, blended, kd).ToDouble();
        var byHand = lambda * DistillationLoss.Hinton(logits, teacher, a, kd).ToDouble() + (1 - lambda) * DistillationLoss.Hinton(logits, teacher, b, kd).ToDouble();

        Assert.Equal(byHand, mixed, 5);
        var e = Assert.Throws<ArgumentException>(() => DistillationLoss.Hinton(logits, teacher, ones(2, 4), kd));
        Assert.Contains("label distributions must be [2, 3]", e.Message);
    }

    private static Dataset RandomImages(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = Enumerable.Range(0, count * 36).Select(_ => (float)random.NextDouble()).ToArray();
        var labels = Enumerable.Range(0, count).Select(i => i % 3).ToArray();
        return new Dataset("images", pixels, [1, 6, 6], labels, 3);
    }

    private static EnsembleTeacher Teacher(Dataset images, out List<nn.Module<Tensor, Tensor>> members)
    {
        manual_seed(1);
        var spec = new ModelSpec { Kind = ModelKind.Mlp, Hidden = [8], Dropout = 0 };
        members = [ModelFactory.Create(spec, images.ExampleShape, images.ClassCount), ModelFactory.Create(spec, images.ExampleShape, images.ClassCount)];
        var recipe = new EnsembleRecipe(AggregationMethod.Arithmetic, MemberWeighting.Uniform, [1, 1], TopN: 1);
        return new EnsembleTeacher(members, [], recipe, Temperature);
    }

    private static Tensor DirectTargets(IReadOnlyList<nn.Module<Tensor, Tensor>> members, Tensor images)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var mean = members.Select(m => (m.call(images) / Temperature).softmax(1)).Aggregate((x, y) => x + y) / members.Count;
        return (mean.log() * Temperature).MoveToOuterDisposeScope();
    }
}
