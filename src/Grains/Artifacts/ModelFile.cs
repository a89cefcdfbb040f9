using System.Text.Json;
using Ensemble.Distillation.Models;
using TorchSharp;
using static TorchSharp.torch;
using Ensemble.Distillation.Serialization;

namespace Ensemble.Grains.Artifacts;

/// <summary>
/// A trained network as one safetensors file: the weights under their PyTorch names, and in the metadata the
/// model spec, the example shape and the class count, so the file alone rebuilds the network.
/// </summary>
public static class ModelFile
{
    /// <summary>Saves <paramref name="model"/> with what is needed to rebuild it.</summary>
    public static void Save(string path, nn.Module<Tensor, Tensor> model, ModelSpec spec, int[] exampleShape, int classes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        SafeTensors.Save(path, model.state_dict(), new Dictionary<string, string>
        {
            ["format"] = "ensemble-model/1",
            ["model"] = JsonSerializer.Serialize(spec),
            ["example_shape"] = string.Join(",", exampleShape),
            ["classes"] = classes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    /// <summary>Rebuilds the network stored at <paramref name="path"/> on <paramref name="device"/>, in evaluation mode.</summary>
    /// <exception cref="InvalidDataException">The file is not a model file; the message names it.</exception>
    public static (nn.Module<Tensor, Tensor> Model, ModelSpec Spec, int[] ExampleShape, int Classes) Load(string path, Device? device = null)
    {
        using var file = SafeTensors.Load(path, device);
        if (!file.Metadata.TryGetValue("format", out var format) || format != "ensemble-model/1"
            || !file.Metadata.TryGetValue("model", out var specJson)
            || !file.Metadata.TryGetValue("example_shape", out var shapeText)
            || !file.Metadata.TryGetValue("classes", out var classText))
        {
            throw new InvalidDataException($"{path}: not an Ensemble model file (metadata format/model/example_shape/classes missing).");
        }

        var spec = JsonSerializer.Deserialize<ModelSpec>(specJson) ?? throw new InvalidDataException($"{path}: empty model spec.");
        var shape = shapeText.Split(',').Select(int.Parse).ToArray();
        var classes = int.Parse(classText, System.Globalization.CultureInfo.InvariantCulture);
        var model = ModelFactory.Create(spec, shape, classes, device);
        ModuleState.Load(model, file.Tensors);
        model.eval();
        return (model, spec, shape, classes);
    }
}
