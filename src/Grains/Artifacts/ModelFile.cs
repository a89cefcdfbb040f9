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

        var (spec, shape, classes) = ReadDescription(path, specJson, shapeText, classText);
        // The spec could ask for any size: build only a network whose parameters the file really holds.
        var held = file.Tensors.Values.Sum(t => t.numel());
        var needed = spec.ParameterCount(shape, classes);
        if (needed > held)
        {
            throw new InvalidDataException($"{path}: the model spec asks for {needed} parameters but the file holds {held} values");
        }

        var model = ModelFactory.Create(spec, shape, classes, device);
        try
        {
            ModuleState.Load(model, file.Tensors);
        }
        catch (ArgumentException e)
        {
            model.Dispose();
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }

        model.eval();
        return (model, spec, shape, classes);
    }

    private static (ModelSpec Spec, int[] Shape, int Classes) ReadDescription(string path, string specJson, string shapeText, string classText)
    {
        ModelSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<ModelSpec>(specJson);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: metadata 'model' is not a model spec ({e.Message})", e);
        }

        if (spec is null) throw new InvalidDataException($"{path}: empty model spec.");
        var problems = spec.Validate();
        if (problems.Count > 0) throw new InvalidDataException($"{path}: metadata 'model': {string.Join("; ", problems)}");
        var shape = shapeText.Split(',').Select(s => int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var d) && d > 0 ? d : -1).ToArray();
        if (shape.Any(d => d < 1)) throw new InvalidDataException($"{path}: metadata 'example_shape' is '{shapeText}', not positive integers separated by commas");
        if (!int.TryParse(classText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var classes) || classes < 1)
        {
            throw new InvalidDataException($"{path}: metadata 'classes' is '{classText}', not a positive integer");
        }

        return (spec, shape, classes);
    }
}
