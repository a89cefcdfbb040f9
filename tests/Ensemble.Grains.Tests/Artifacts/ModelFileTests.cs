using Ensemble.Distillation.Models;
using Ensemble.Distillation.Runtime;
using Ensemble.Distillation.Serialization;
using Ensemble.Grains.Artifacts;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Grains.Tests.Artifacts;

public sealed class ModelFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-modelfile-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void SaveThenLoad_GivesTheSameLogits()
    {
        TorchRuntime.EnsureLoaded();
        manual_seed(3);
        var spec = ModelSpec.DefaultCnn with { Channels = [4], FcHidden = 8 };
        using var model = ModelFactory.Create(spec, [1, 8, 8], 3);
        model.eval();
        var path = Path.Combine(_directory, "cnn.safetensors");
        ModelFile.Save(path, model, spec, [1, 8, 8], 3);

        var (loaded, loadedSpec, shape, classes) = ModelFile.Load(path);
        using (loaded)
        {
            using var x = randn(5, 1, 8, 8);
            using var expected = model.call(x);
            using var actual = loaded.call(x);
            Assert.Equal(spec, loadedSpec);
            Assert.Equal([1, 8, 8], shape);
            Assert.Equal(3, classes);
            Assert.Equal(0.0, (expected - actual).abs().max().ToDouble());
        }
    }

    [Fact]
    public void Load_AFileFromTheOldBinding_WithoutBatchNormCounts_Loads()
    {
        // Ensemble's own binding wrote PyTorch names but no num_batches_tracked; those files must keep loading.
        TorchRuntime.EnsureLoaded();
        manual_seed(4);
        var spec = ModelSpec.DefaultCnn with { Channels = [4], FcHidden = 8 };
        using var model = ModelFactory.Create(spec, [1, 8, 8], 3);
        model.eval();
        var state = model.state_dict().Where(kv => !kv.Key.EndsWith(".num_batches_tracked", StringComparison.Ordinal));
        var path = Path.Combine(_directory, "old.safetensors");
        SafeTensors.Save(path, state, Metadata(spec, "1,8,8"));

        var (loaded, _, _, _) = ModelFile.Load(path);
        using (loaded)
        {
            using var x = randn(2, 1, 8, 8);
            using var expected = model.call(x);
            using var actual = loaded.call(x);
            Assert.Equal(0.0, (expected - actual).abs().max().ToDouble());
        }
    }

    [Fact]
    public void Load_WeightsOfAnotherShape_NamesTheEntryAndBothShapes()
    {
        TorchRuntime.EnsureLoaded();
        var spec = ModelSpec.DefaultMlp with { Hidden = [6] };
        using var model = ModelFactory.Create(spec, [4], 3);
        var state = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        state["layers.0.weight"] = zeros(7, 4);
        var path = Path.Combine(_directory, "bad.safetensors");
        SafeTensors.Save(path, state, Metadata(spec, "4"));

        var error = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path));
        Assert.Equal($"{path}: 'layers.0.weight' has shape [7, 4] but the model's is [6, 4]", error.Message);
    }

    [Fact]
    public void Load_ASpecAskingForMoreThanTheFileHolds_IsRefusedBeforeBuilding()
    {
        // A hostile file: a tiny MLP's weights under a spec with 10^9-wide layers (4·10⁹+10⁹ + 10¹⁸+10⁹ + 3·10⁹+3 parameters).
        TorchRuntime.EnsureLoaded();
        var spec = ModelSpec.DefaultMlp with { Hidden = [6] };
        using var model = ModelFactory.Create(spec, [4], 3);
        var path = Path.Combine(_directory, "huge.safetensors");
        SafeTensors.Save(path, model.state_dict(), Metadata(spec with { Hidden = [1_000_000_000, 1_000_000_000] }, "4"));

        var error = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path));
        Assert.Equal($"{path}: the model spec asks for 1000000009000000003 parameters but the file holds 51 values", error.Message);
    }

    [Theory]
    [InlineData("example_shape", "4,x", "metadata 'example_shape' is '4,x', not positive integers separated by commas")]
    [InlineData("classes", "-3", "metadata 'classes' is '-3', not a positive integer")]
    [InlineData("model", "{\"Kind\":", "metadata 'model' is not a model spec")]
    public void Load_MalformedMetadata_NamesTheFieldAndTheFile(string key, string value, string expected)
    {
        TorchRuntime.EnsureLoaded();
        var spec = ModelSpec.DefaultMlp with { Hidden = [6] };
        using var model = ModelFactory.Create(spec, [4], 3);
        var metadata = Metadata(spec, "4");
        metadata[key] = value;
        var path = Path.Combine(_directory, "malformed.safetensors");
        SafeTensors.Save(path, model.state_dict(), metadata);

        var error = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path));
        Assert.StartsWith($"{path}: {expected}", error.Message, StringComparison.Ordinal);
    }

    // What ModelFile.Save writes beside the tensors, for files the tests build by hand.
    private static Dictionary<string, string> Metadata(ModelSpec spec, string exampleShape) => new()
    {
        ["format"] = "ensemble-model/1",
        ["model"] = System.Text.Json.JsonSerializer.Serialize(spec),
        ["example_shape"] = exampleShape,
        ["classes"] = "3",
    };
}
