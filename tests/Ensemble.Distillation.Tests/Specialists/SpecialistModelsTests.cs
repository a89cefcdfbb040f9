using Ensemble.Distillation.Models;
using Ensemble.Distillation.Specialists;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Specialists;

public sealed class SpecialistModelsTests
{
    private static readonly ModelSpec s_mlp = ModelSpec.DefaultMlp with { Hidden = [8], Dropout = 0.5 };

    [Fact]
    public void Full_IsAnExactIndependentCopy()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var generalist = ModelFactory.Create(s_mlp, [6], 5);
        using var specialist = SpecialistModels.FromGeneralist(generalist, s_mlp, [6], 5, [1, 3], SpecialistHead.Full);
        var x = randn(4, 6);

        Assert.Equal(Logits(generalist, x), Logits(specialist, x));

        // No shared storage: changing the specialist leaves the generalist alone.
        var before = Logits(generalist, x);
        using (no_grad())
        {
            specialist.parameters().First().fill_(0);
        }

        Assert.Equal(before, Logits(generalist, x));
        Assert.NotEqual(before, Logits(specialist, x));
    }

    [Fact]
    public void Dustbin_KeepsTheSpecialLogits_AndStartsTheDustbinAtMeanRestLogitPlusLogR()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        using var generalist = ModelFactory.Create(s_mlp, [6], 5);
        using var specialist = SpecialistModels.FromGeneralist(generalist, s_mlp, [6], 5, [1, 3], SpecialistHead.Dustbin);
        var x = randn(4, 6);

        var g = Logits(generalist, x);
        var s = Logits(specialist, x);
        Assert.Equal([4L, 3L], specialist.call(x).shape);
        for (var n = 0; n < 4; n++)
        {
            Assert.Equal(g[n][1], s[n][0], 5);
            Assert.Equal(g[n][3], s[n][1], 5);
            // The dustbin row is the mean of the rows of 0, 2, 4, its bias their mean plus ln 3; the layer is affine,
            // so the dustbin logit is the mean of those logits plus ln 3, a lower bound on their log-sum-exp (Jensen).
            double[] rest = [g[n][0], g[n][2], g[n][4]];
            Assert.Equal(rest.Average() + Math.Log(3), s[n][2], 5);
            Assert.True(s[n][2] <= Math.Log(rest.Sum(Math.Exp)) + 1e-6);
        }
    }

    [Fact]
    public void Dustbin_WhenTheRestLogitsAreEqual_StartsWithTheGeneralistsRestMass()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var generalist = ModelFactory.Create(s_mlp, [6], 5);
        // Make the output rows (and biases) of classes 0, 2, 4 equal, so their logits are equal for every input.
        using (no_grad())
        {
            foreach (var name in new[] { "layers.3.weight", "layers.3.bias" })
            {
                var p = generalist.state_dict()[name];
                var row0 = p.narrow(0, 0, 1);
                p.narrow(0, 2, 1).copy_(row0);
                p.narrow(0, 4, 1).copy_(row0);
            }
        }

        using var specialist = SpecialistModels.FromGeneralist(generalist, s_mlp, [6], 5, [1, 3], SpecialistHead.Dustbin);
        var x = randn(4, 6);
        generalist.eval();
        specialist.eval();
        var pg = Tensors.Rows(generalist.call(x).softmax(1));
        var ps = Tensors.Rows(specialist.call(x).softmax(1));

        for (var n = 0; n < 4; n++)
        {
            Assert.Equal(pg[n][1], ps[n][0], 5);
            Assert.Equal(pg[n][3], ps[n][1], 5);
            Assert.Equal(pg[n][0] + pg[n][2] + pg[n][4], ps[n][2], 5);
        }
    }

    [Fact]
    public void Cnn_CopiesConvolutionsAndBatchNormStatistics()
    {
        using var scope = NewDisposeScope();
        var spec = ModelSpec.DefaultCnn with { Channels = [2], FcHidden = 4 };
        manual_seed(4);
        using var generalist = ModelFactory.Create(spec, [1, 4, 4], 3);
        // Give batch norm non-trivial running statistics: one training-mode pass.
        generalist.call(randn(8, 1, 4, 4) * 3 + 1).Dispose();

        using var specialist = SpecialistModels.FromGeneralist(generalist, spec, [1, 4, 4], 3, [0, 2], SpecialistHead.Full);
        var x = randn(5, 16);

        Assert.Equal(Logits(generalist, x), Logits(specialist, x));
        var dustbin = SpecialistModels.FromGeneralist(generalist, spec, [1, 4, 4], 3, [0, 2], SpecialistHead.Dustbin);
        Assert.Equal([5L, 3L], dustbin.call(x).shape);
        dustbin.Dispose();
    }

    [Fact]
    public void AGeneralistOfAnotherShape_OrBadClasses_AreNamed()
    {
        using var scope = NewDisposeScope();
        using var generalist = ModelFactory.Create(s_mlp, [6], 5);
        var otherSpec = Assert.Throws<ArgumentException>(() => SpecialistModels.FromGeneralist(generalist, s_mlp with { Hidden = [9] }, [6], 5, [1], SpecialistHead.Full));
        Assert.Equal("generalist", otherSpec.ParamName);
        Assert.Contains("mlp 6-9-5", otherSpec.Message);
        var otherK = Assert.Throws<ArgumentException>(() => SpecialistModels.FromGeneralist(generalist, s_mlp, [6], 4, [1], SpecialistHead.Dustbin));
        Assert.Equal("generalist", otherK.ParamName);
        Assert.Equal("specialClasses", Assert.Throws<ArgumentException>(() => SpecialistModels.FromGeneralist(generalist, s_mlp, [6], 5, [5], SpecialistHead.Dustbin)).ParamName);
    }

    /// <summary>The model's logits in evaluation mode (dropout off), as rows of doubles.</summary>
    private static double[][] Logits(nn.Module<Tensor, Tensor> model, Tensor x)
    {
        model.eval();
        using var noGrad = no_grad();
        using var logits = model.call(x);
        return Tensors.Rows(logits);
    }
}
