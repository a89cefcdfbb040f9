using Ensemble.Distillation.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Models;

public class ModelFactoryTests
{
    [Fact]
    public void Mlp784_1200_1200_10_HasTheParameterCountOfItsLayers()
    {
        using var model = ModelFactory.Create(ModelSpec.DefaultMlp, [1, 28, 28], 10);
        // (784·1200 + 1200) + (1200·1200 + 1200) + (1200·10 + 10)
        Assert.Equal(2_395_210, ParameterCount(model));
        Assert.Equal(["layers.0.weight", "layers.0.bias", "layers.3.weight", "layers.3.bias", "layers.6.weight", "layers.6.bias"],
            model.named_parameters().Select(p => p.name));
    }

    [Fact]
    public void Cnn_MapsImagesToLogits_AndHasTheParameterCountOfItsLayers()
    {
        using var scope = NewDisposeScope();
        using var model = ModelFactory.Create(ModelSpec.DefaultCnn, [1, 28, 28], 10);
        // conv 1→32 (288+32), bn (64), conv 32→64 (18432+64), bn (128), fc 3136→128 (401408+128), fc 128→10 (1290)
        Assert.Equal(421_834, ParameterCount(model));
        var logits = model.call(randn(5, 784));
        Assert.Equal([5L, 10L], logits.shape);
        Assert.Contains(model.named_buffers(), b => b.name == "features.1.running_mean");
    }

    [Fact]
    public void Cnn_RunningChannelsLast_ComputesWhatItsLayersComputeInPyTorchsLayout()
    {
        // The CNN switches to channels-last after its first convolution (speed only): its logits and gradients must
        // be those of the same layers applied in N×C×H×W order, as PyTorch's nn.Sequential would apply them.
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var model = ModelFactory.Create(ModelSpec.DefaultCnn with { Dropout = 0 }, [1, 28, 28], 10);
        var layers = model.named_children().ToDictionary(c => c.name, c => (nn.Module<Tensor, Tensor>)c.module);
        var images = randn(16, 1, 28, 28);
        var labels = randint(0, 10, 16, dtype: int64);

        model.train();
        var logits = model.call(images);
        nn.functional.cross_entropy(logits, labels).backward();
        var gradients = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        model.zero_grad();
        var reference = layers["head"].call(layers["features"].call(images));
        nn.functional.cross_entropy(reference, labels).backward();

        Assert.True(logits.allclose(reference, rtol: 1e-4, atol: 1e-5), $"max |Δ| {(logits - reference).abs().max().item<float>()}");
        foreach (var (name, parameter) in model.named_parameters())
        {
            Assert.True(gradients[name].allclose(parameter.grad!, rtol: 1e-3, atol: 1e-5), $"{name}: max |Δ| {(gradients[name] - parameter.grad!).abs().max().item<float>()}");
        }

        model.eval();
        using (no_grad())
        {
            var evaluated = model.call(images);
            Assert.True(evaluated.allclose(layers["head"].call(layers["features"].call(images)), rtol: 1e-4, atol: 1e-5));
        }
    }

    [Fact]
    public void Cnn_OnVectorData_IsRejectedWithTheShape()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelFactory.Create(ModelSpec.DefaultCnn, [32], 10));
        Assert.Contains("[32]", e.Message);
    }

    [Fact]
    public void InvalidSpec_ListsEveryProblem()
    {
        var spec = ModelSpec.DefaultMlp with { Hidden = [0], Dropout = 1.5 };
        var e = Assert.Throws<ArgumentException>(() => ModelFactory.Create(spec, [4], 2));
        Assert.Contains("model.hidden", e.Message);
        Assert.Contains("model.dropout", e.Message);
    }

    private static long ParameterCount(nn.Module model) => model.parameters().Sum(p => p.numel());
}
