using Ensemble.Distillation.Data;
using Ensemble.Distillation.Transfer;

namespace Ensemble.Distillation.Tests.Transfer;

public sealed class TransferSetBuilderTests
{
    private static readonly Dataset Train = SyntheticDataset.Generate(new SyntheticDatasetOptions { TrainPerClass = 100, Seed = 1 }).Train;

    [Fact]
    public void OmittedClasses_AreAbsent_AndTheRestKept()
    {
        var set = TransferSetBuilder.Select(Train, new TransferOptions { OmitClasses = [3, 7] });
        Assert.Equal(800, set.Count);
        Assert.DoesNotContain(set.Labels, l => l is 3 or 7);
        Assert.Equal(10, set.ClassCount);
    }

    [Fact]
    public void Fraction_IsStratified_AndDeterministicForASeed()
    {
        var a = TransferSetBuilder.Select(Train, new TransferOptions { Fraction = 0.03, Seed = 5 });
        var b = TransferSetBuilder.Select(Train, new TransferOptions { Fraction = 0.03, Seed = 5 });
        Assert.Equal(30, a.Count); // 3 of each class's 100
        Assert.All(a.CountPerClass(), n => Assert.Equal(3, n));
        Assert.Equal(a.Features, b.Features);
    }

    [Fact]
    public void LabeledRows_AreAStratifiedShare_InOrder_AndAllWhenTheFractionIsOne()
    {
        var options = new TransferOptions { LabeledFraction = 0.05, Seed = 2 };
        var rows = TransferSetBuilder.LabeledRows(Train, options);

        Assert.Equal(50, rows.Length); // 5 of each class's 100
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(5, rows.Count(r => Train.Labels[r] == c)));
        Assert.Equal(rows.Order(), rows);
        Assert.Equal(rows, TransferSetBuilder.LabeledRows(Train, options));
        Assert.Equal(Enumerable.Range(0, Train.Count), TransferSetBuilder.LabeledRows(Train, new TransferOptions()));
    }

    [Fact]
    public void UnknownOmittedClass_IsNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => TransferSetBuilder.Select(Train, new TransferOptions { OmitClasses = [12] }));
        Assert.Contains("omit_classes: 12 is not a class", e.Message);
    }

    [Fact]
    public void Views_StartWithTheSetItself_ThenSeededAugmentedCopies()
    {
        var images = new Dataset("img", Enumerable.Range(0, 2 * 16).Select(i => (float)i).ToArray(), [1, 4, 4], [0, 1], 2);
        var options = new TransferOptions { Views = 3, Augmentation = AugmentationKind.Shift, Seed = 2 };
        var views = TransferSetBuilder.Views(images, options);
        Assert.Equal(3, views.Count);
        Assert.Same(images, views[0]);
        Assert.Equal(views[1].Features, TransferSetBuilder.Views(images, options)[1].Features);
        Assert.NotEqual(views[1].Features, views[2].Features);
        Assert.Equal(images.Labels, views[2].Labels);
    }
}
