using System.Runtime.InteropServices;
using Ensemble.Distillation.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Runtime;

/// <summary>A model or loss fed the wrong shape fails with an exception naming both shapes, and the process carries on.</summary>
public sealed class ErrorTests
{
    [Fact]
    public void Mlp_FedExamplesOfAnotherWidth_ThrowsNamingBothShapes()
    {
        using var scope = NewDisposeScope();
        using var model = ModelFactory.Create(ModelSpec.DefaultMlp with { Hidden = [8] }, [1, 4, 4], 3);

        var e = Assert.Throws<ArgumentException>(() => model.call(zeros(2, 25)));

        Assert.Equal("input", e.ParamName);
        Assert.Contains("[2, 25]", e.Message);
        Assert.Contains("[N, 16]", e.Message);
    }

    [Fact]
    public void Cnn_FedImagesWithAnotherChannelCount_ThrowsNamingBothShapes()
    {
        using var scope = NewDisposeScope();
        using var model = ModelFactory.Create(ModelSpec.DefaultCnn with { Channels = [2], FcHidden = 4 }, [1, 4, 4], 3);

        // TorchSharp's Conv2d module checks the channels itself and names neither shape ("Expected 3D (unbatched) or
        // 4D (batched) input with 1 channels to Conv2d."), so the model says what it got and what it takes.
        var e = Assert.Throws<ArgumentException>(() => model.call(zeros(2, 3, 4, 4)));

        Assert.Equal("input", e.ParamName);
        Assert.Contains("[2, 3, 4, 4]", e.Message);
        Assert.Contains("[N, 1, 4, 4]", e.Message);
    }

    [Fact]
    public void Model_AfterALibtorchError_StillWorks()
    {
        using var scope = NewDisposeScope();
        using var model = ModelFactory.Create(ModelSpec.DefaultMlp with { Hidden = [8] }, [4], 3);
        Assert.Throws<ExternalException>(() => nn.functional.cross_entropy(model.call(ones(2, 4)), tensor(new long[] { 0, 7 })));

        var logits = model.call(ones(2, 4));
        Assert.Equal(2, nn.functional.cross_entropy(logits, tensor(new long[] { 0, 2 }), reduction: nn.Reduction.None).numel());

        Assert.Equal([2L, 3L], logits.shape);
        Assert.All(logits.data<float>().ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void CrossEntropy_LabelOutOfRange_ThrowsNamingTheLabel()
    {
        using var scope = NewDisposeScope();
        var logits = zeros(2, 3);
        var labels = tensor(new long[] { 0, 5 });

        var e = Assert.Throws<ExternalException>(() => nn.functional.cross_entropy(logits, labels));

        Assert.Contains("5", e.Message);
        Assert.Contains("out of bounds", e.Message);
    }

    [Fact]
    public void Backward_NonScalarWithoutGradient_Throws()
    {
        using var scope = NewDisposeScope();
        var x = ones(3).requires_grad_();
        var y = x * 2.0;

        var e = Assert.Throws<ExternalException>(() => y.backward());

        Assert.Contains("scalar", e.Message);
    }
}
