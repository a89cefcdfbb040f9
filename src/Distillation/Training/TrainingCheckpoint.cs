using System.Globalization;
using System.Text.Json;
using Ensemble.Distillation.Models;
using Ensemble.Torch;
using Ensemble.Torch.Nn;
using Ensemble.Torch.Optim;
using Ensemble.Torch.Serialization;

namespace Ensemble.Distillation.Training;

/// <summary>
/// One epoch's checkpoint as a safetensors file: the model (<c>model.*</c>, PyTorch names), the optimizer
/// state (<c>optimizer.*</c>), libtorch's CPU generator (<c>rng.cpu</c>), and in the metadata the epoch, the
/// step count and the model spec. Restoring it makes a resumed run continue exactly where this one stood.
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>The format tag stored in the metadata.</summary>
    public const string Format = "ensemble.checkpoint/1";

    private const string FilePrefix = "epoch-";

    /// <summary>The file name for the checkpoint after <paramref name="epoch"/>.</summary>
    public static string FileName(int epoch) => $"{FilePrefix}{epoch.ToString("D4", CultureInfo.InvariantCulture)}.safetensors";

    /// <summary>Writes the checkpoint after <paramref name="epoch"/> (atomically) and returns its path.</summary>
    public static string Save(string directory, int epoch, ModelSpec spec, Module model, Optimizer optimizer)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var tensors = model.StateDict().Select(kv => KeyValuePair.Create("model." + kv.Key, kv.Value))
            .Concat(optimizer.StateDict().Select(kv => KeyValuePair.Create("optimizer." + kv.Key, kv.Value)))
            .Append(KeyValuePair.Create("rng.cpu", Torch.Torch.GetRngState()));
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
            ["step"] = optimizer.StepCount.ToString(CultureInfo.InvariantCulture),
            ["model"] = JsonSerializer.Serialize(spec),
        };
        var path = Path.Combine(directory, FileName(epoch));
        SafeTensors.Save(path, tensors, metadata);
        return path;
    }

    /// <summary>The latest checkpoint in <paramref name="directory"/>, or null when there is none.</summary>
    public static (string Path, int Epoch)? Latest(string directory)
    {
        if (!Directory.Exists(directory)) return null;
        return Directory.EnumerateFiles(directory, FilePrefix + "*.safetensors")
            .Select(p => (Path: p, Epoch: int.TryParse(Path.GetFileNameWithoutExtension(p)[FilePrefix.Length..], CultureInfo.InvariantCulture, out var e) ? e : -1))
            .Where(c => c.Epoch >= 0)
            .OrderByDescending(c => c.Epoch)
            .Select(c => ((string, int)?)c)
            .FirstOrDefault();
    }

    /// <summary>Restores model, optimizer and generator from <paramref name="path"/> and returns the epoch it was written after.</summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint of this model; the message names the file.</exception>
    public static int Restore(string path, ModelSpec spec, Module model, Optimizer optimizer)
    {
        using var file = SafeTensors.Load(path);
        if (!file.Metadata.TryGetValue("format", out var format) || format != Format)
        {
            throw new InvalidDataException($"{path}: not an Ensemble checkpoint (format '{format ?? "missing"}', expected '{Format}')");
        }

        var saved = JsonSerializer.Deserialize<ModelSpec>(file.Metadata["model"]);
        if (saved != spec)
        {
            throw new InvalidDataException($"{path}: written for model {file.Metadata["model"]}, not {JsonSerializer.Serialize(spec)}");
        }

        try
        {
            model.LoadStateDict(file.WithPrefix("model."));
            optimizer.LoadStateDict(file.WithPrefix("optimizer."));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }

        Torch.Torch.SetRngState(file.Tensors["rng.cpu"]);
        return int.Parse(file.Metadata["epoch"], CultureInfo.InvariantCulture);
    }
}
