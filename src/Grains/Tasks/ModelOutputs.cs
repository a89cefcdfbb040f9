using Ensemble.Distillation.Data;
using Ensemble.Distillation.Evaluation;
using TorchSharp;
using static TorchSharp.torch;
using Ensemble.Distillation.Serialization;

namespace Ensemble.Grains.Tasks;

/// <summary>A model's logits on the run's datasets, stored as one safetensors file of named N×K tensors.</summary>
internal static class ModelOutputs
{
    /// <summary>The name of view <paramref name="view"/>'s tensor.</summary>
    public static string TransferView(int view) => $"transfer/{view}";

    /// <summary>Logits of <paramref name="model"/> on each named dataset, on the CPU.</summary>
    public static Dictionary<string, Tensor> Compute(nn.Module<Tensor, Tensor> model, IEnumerable<(string Name, Dataset Data)> sets, Device device,
        CancellationToken cancellationToken)
    {
        var outputs = new Dictionary<string, Tensor>();
        foreach (var (name, data) in sets)
        {
            using var tensors = new DatasetTensors(data, device);
            using var logits = Evaluator.Logits(model, tensors, cancellationToken: cancellationToken);
            outputs[name] = logits.cpu().DetachFromDisposeScope();
        }

        return outputs;
    }

    /// <summary>The aggregate's soft-target logits of every transfer view, in view order (the caller disposes them).</summary>
    public static List<Tensor> ReadSoftTargets(RunContext context)
    {
        var path = context.Layout.Outputs("aggregate");
        var targets = new List<Tensor>();
        try
        {
            for (var v = 0; v < context.Data.TransferViews.Count; v++) targets.Add(Read(path, TransferView(v)));
            return targets;
        }
        catch
        {
            foreach (var t in targets) t.Dispose();
            throw;
        }
    }

    /// <summary>The datasets every teacher's and specialist's outputs cover: each transfer view, validation, test.</summary>
    public static IEnumerable<(string Name, Dataset Data)> StandardSets(RunData data) =>
        data.TransferViews.Select((view, v) => (TransferView(v), view))
            .Append(("validation", data.Validation))
            .Append(("test", data.Test));

    /// <summary>Saves <paramref name="outputs"/> and disposes them.</summary>
    public static void SaveAndDispose(string path, Dictionary<string, Tensor> outputs, IReadOnlyDictionary<string, string>? metadata = null)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            SafeTensors.Save(path, outputs, metadata);
        }
        finally
        {
            foreach (var t in outputs.Values) t.Dispose();
        }
    }

    /// <summary>One named tensor of an outputs file, detached from the file (the caller disposes it).</summary>
    public static Tensor Read(string path, string name)
    {
        using var file = SafeTensors.Load(path);
        if (!file.Tensors.TryGetValue(name, out var tensor))
        {
            throw new InvalidDataException($"{path}: no tensor '{name}' (has {string.Join(", ", file.Tensors.Keys)}).");
        }

        return tensor.clone().DetachFromDisposeScope();
    }
}
