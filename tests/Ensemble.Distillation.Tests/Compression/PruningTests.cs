using Ensemble.Distillation.Compression;
using Ensemble.Distillation.Data;
using Ensemble.Distillation.Models;
using Ensemble.Distillation.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Compression;

/// <summary>Magnitude pruning, unstructured and structured, on small networks whose answer is known.</summary>
public sealed class PruningTests
{
    [Fact]
    public void WeightMask_ZeroesTheSmallestMagnitudesOfEachWeight_AndLeavesBiasesWhole()
    {
        var spec = ModelSpec.DefaultMlp with { Hidden = [2], Dropout = 0 };
        using var model = ModelFactory.Create(spec, [3], 2);
        Set(model, "layers.0.weight", [0.1f, -0.5f, 0.2f, 0.3f, -0.05f, 0.9f], 2, 3);
        Set(model, "layers.0.bias", [0.001f, 0.002f], 2);
        Set(model, "layers.3.weight", [1f, -2f, 0.5f, 3f], 2, 2);

        using var mask = WeightMask.ByMagnitude(model, 0.5);
        mask.Apply(model);

        // Of 6: round(3) smallest |w| (0.05, 0.1, 0.2) go; of 4: round(2) (0.5, 1) go.
        Assert.Equal([0f, -0.5f, 0f, 0.3f, 0f, 0.9f], Values(model, "layers.0.weight"));
        Assert.Equal([0f, -2f, 0f, 3f], Values(model, "layers.3.weight"));
        Assert.Equal([0.001f, 0.002f], Values(model, "layers.0.bias"));
        Assert.Equal(0.5, WeightMask.Sparsity(model), 12);
        Assert.Equal(["layers.0.weight", "layers.3.weight"], mask.Weights.Order());
    }

    [Fact]
    public void WeightMask_KeptByTheTrainer_LeavesPrunedWeightsZeroAfterTraining()
    {
        var (train, _) = SyntheticDataset.Generate(new SyntheticDatasetOptions { TrainPerClass = 50, TestPerClass = 1, Seed = 2 });
        var spec = ModelSpec.DefaultMlp with { Hidden = [16], Dropout = 0 };
        var trainer = new Trainer(spec, new TrainingOptions { Epochs = 2, BatchSize = 32, LearningRate = 0.1, Momentum = 0.9, Seed = 1 });
        using var model = trainer.CreateModel(train);
        using var mask = WeightMask.ByMagnitude(model, 0.8);
        mask.Apply(model);
        var before = Values(model, "layers.0.weight");
        trainer.AfterStep = mask.Apply;

        using var tensors = new DatasetTensors(train);
        trainer.Fit(model, tensors, test: null);

        var after = Values(model, "layers.0.weight");
        Assert.NotEqual(before, after); // it trained
        Assert.All(before.Zip(after), p => Assert.True(p.First != 0 || p.Second == 0, "a pruned weight came back"));
        Assert.Equal(0.8, WeightMask.Sparsity(model), 2);
    }

    [Fact]
    public void StructuredPruning_RemovesTheUnitsThatContributeNothing_AndTheLogitsStayTheSame()
    {
        var spec = ModelSpec.DefaultMlp with { Hidden = [6, 4], Dropout = 0 };
        using var model = ModelFactory.Create(spec, [5], 3);
        using (no_grad())
        {
            // Hidden units 1, 3 and 5 of the first layer and 0, 3 of the second feed nothing onward.
            var second = model.state_dict()["layers.3.weight"];
            foreach (var unit in new long[] { 1, 3, 5 }) second[.., unit].zero_();
            var last = model.state_dict()["layers.6.weight"];
            foreach (var unit in new long[] { 0, 3 }) last[.., unit].zero_();
        }

        var (pruned, prunedSpec) = StructuredPruning.Prune(model, spec, [5], 3, 0.5);
        using (pruned)
        {
            Assert.Equal([3, 2], prunedSpec.Hidden);
            Assert.Equal([3, 5], pruned.state_dict()["layers.0.weight"].shape);
            Assert.Equal([2, 3], pruned.state_dict()["layers.3.weight"].shape);
            Assert.Equal([3, 2], pruned.state_dict()["layers.6.weight"].shape);
            using var input = randn(8, 5, generator: new Generator(4));
            AssertSameLogits(model, pruned, input, atol: 1e-6, "removing units with no outgoing weights changed the logits");
        }
    }

    [Fact]
    public void StructuredPruning_OfACnn_RemovesChannelsAndFullyConnectedUnits_AndKeepsTheOutputOfWhatStays()
    {
        var spec = ModelSpec.DefaultCnn with { Channels = [4, 6], FcHidden = 8 };
        using var model = ModelFactory.Create(spec, [1, 8, 8], 3);
        using (no_grad())
        {
            var state = model.state_dict();
            // Block 0 channels 0, 2 feed nothing into block 1; block 1 channels 1, 4, 5 feed nothing into head.1
            // (its 2×2 columns per channel); fc units 2, 5, 6, 7 feed nothing into the logits.
            foreach (var c in new long[] { 0, 2 }) state["features.4.weight"][.., c].zero_();
            foreach (var c in new long[] { 1, 4, 5 }) state["head.1.weight"][.., TensorIndex.Slice(c * 4, c * 4 + 4)].zero_();
            foreach (var u in new long[] { 2, 5, 6, 7 }) state["head.4.weight"][.., u].zero_();
        }

        var (pruned, prunedSpec) = StructuredPruning.Prune(model, spec, [1, 8, 8], 3, 0.5);
        using (pruned)
        {
            Assert.Equal([2, 3], prunedSpec.Channels);
            Assert.Equal(4, prunedSpec.FcHidden);
            Assert.Equal([4, 12], pruned.state_dict()["head.1.weight"].shape);
            Assert.Equal(prunedSpec.ParameterCount([1, 8, 8], 3), pruned.parameters().Sum(p => p.numel()));
            using var input = randn(5, 1, 8, 8, generator: new Generator(7));
            AssertSameLogits(model, pruned, input, atol: 1e-5, "removing channels with no outgoing weights changed the logits");
        }
    }

    [Fact]
    public void Pruning_AnImpossibleFraction_IsRefused()
    {
        using var model = ModelFactory.Create(ModelSpec.DefaultMlp with { Hidden = [2] }, [3], 2);

        Assert.Throws<ArgumentOutOfRangeException>(() => WeightMask.ByMagnitude(model, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => StructuredPruning.Prune(model, ModelSpec.DefaultMlp with { Hidden = [2] }, [3], 2, -0.1));
    }

    /// <summary>The original (in evaluation mode) and the pruned network give the same logits on <paramref name="input"/>.</summary>
    private static void AssertSameLogits(nn.Module<Tensor, Tensor> original, nn.Module<Tensor, Tensor> pruned, Tensor input, double atol, string message)
    {
        original.eval();
        using var expected = original.call(input);
        using var actual = pruned.call(input);
        Assert.True(expected.allclose(actual, rtol: 1e-5, atol: atol), message);
    }

    private static void Set(nn.Module model, string name, float[] values, params long[] shape)
    {
        using var noGrad = no_grad();
        using var source = tensor(values, shape);
        model.state_dict()[name].copy_(source);
    }

    private static float[] Values(nn.Module model, string name)
    {
        using var cpu = model.state_dict()[name].detach().cpu();
        return cpu.data<float>().ToArray();
    }
}
