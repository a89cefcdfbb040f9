using System.Globalization;
using System.Text.Json;
using Ensemble.Distillation.Models;
using Ensemble.Distillation.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Training;

/// <summary>
/// One epoch's checkpoint as a safetensors file: the model (<c>model.*</c>, PyTorch names), the optimizer's state
/// as TorchSharp writes it (<c>optimizer.state</c>, bytes), libtorch's CPU generator (<c>rng.cpu</c>, which also
/// orders the data), and in the metadata the epoch, the step count and the model spec. Restoring it makes a
/// resumed run continue exactly where this one stood.
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>The format tag stored in the metadata.</summary>
    public const string Format = "ensemble.checkpoint/2";

    // Written by Ensemble's own libtorch binding (optimizer state as named tensors): not resumable with TorchSharp's optimizers.
    private const string OlderFormat = "ensemble.checkpoint/1";
    private const string FilePrefix = "epoch-";

    /// <summary>The file name for the checkpoint after <paramref name="epoch"/>.</summary>
    public static string FileName(int epoch) => $"{FilePrefix}{epoch.ToString("D4", CultureInfo.InvariantCulture)}.safetensors";

    /// <summary>Writes the checkpoint after <paramref name="epoch"/> and optimizer step <paramref name="step"/> (atomically) and returns its path.</summary>
    public static string Save(string directory, int epoch, long step, ModelSpec spec, nn.Module<Tensor, Tensor> model, OptimizerHelper optimizer)
    {
        using var scope = NewDisposeScope();
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) optimizer.save_state_dict(writer);
        var tensors = model.state_dict().Select(kv => KeyValuePair.Create("model." + kv.Key, kv.Value))
            .Append(KeyValuePair.Create("optimizer.state", tensor(buffer.ToArray())))
            .Append(KeyValuePair.Create("rng.cpu", get_rng_state()));
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
            ["step"] = step.ToString(CultureInfo.InvariantCulture),
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

    /// <summary>
    /// Restores model, generator, schedule and optimizer from <paramref name="path"/> and returns the epoch it was
    /// written after and the optimizer steps taken by then.
    /// </summary>
    /// <remarks>
    /// TorchSharp's schedulers keep no state: <paramref name="schedule"/> must be fresh, and is stepped to the saved
    /// step before the optimizer's state (learning rate and momentum included) is loaded over what it set.
    /// </remarks>
    /// <exception cref="InvalidDataException">The file is not a checkpoint of this model; the message names the file.</exception>
    public static (int Epoch, long Step) Restore(string path, ModelSpec spec, nn.Module<Tensor, Tensor> model, OptimizerHelper optimizer,
        optim.lr_scheduler.LRScheduler? schedule)
    {
        using var file = SafeTensors.Load(path);
        file.Metadata.TryGetValue("format", out var format);
        if (format == OlderFormat)
        {
            throw new InvalidDataException(
                $"{path}: an older format ('{OlderFormat}', written before Ensemble moved to TorchSharp) whose optimizer state cannot be resumed; delete the checkpoints to train from the start");
        }

        if (format != Format)
        {
            throw new InvalidDataException($"{path}: not an Ensemble checkpoint (format '{format ?? "missing"}', expected '{Format}')");
        }

        if (!file.Metadata.TryGetValue("model", out var savedSpec) || JsonSerializer.Deserialize<ModelSpec>(savedSpec) != spec)
        {
            throw new InvalidDataException($"{path}: written for model {savedSpec ?? "(none)"}, not {JsonSerializer.Serialize(spec)}");
        }

        if (!file.Tensors.TryGetValue("optimizer.state", out var optimizerState) || !file.Tensors.TryGetValue("rng.cpu", out var rng)
            || !int.TryParse(file.Metadata.GetValueOrDefault("epoch"), CultureInfo.InvariantCulture, out var epoch)
            || !long.TryParse(file.Metadata.GetValueOrDefault("step"), CultureInfo.InvariantCulture, out var step))
        {
            throw new InvalidDataException($"{path}: incomplete checkpoint (optimizer.state, rng.cpu, epoch or step missing)");
        }

        try
        {
            ModuleState.Load(model, file.WithPrefix("model."));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }

        for (long k = 0; k < step; k++) schedule?.step();
        using var reader = new BinaryReader(new MemoryStream(optimizerState.bytes.ToArray()));
        optimizer.load_state_dict(reader);
        set_rng_state(rng);
        return (epoch, step);
    }
}
