using Ensemble.Distillation.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Evaluation;

/// <summary>Runs a model over a dataset in evaluation mode, without autograd.</summary>
public static class Evaluator
{
    /// <summary>Accuracy and mean NLL of <paramref name="model"/> on <paramref name="data"/>.</summary>
    public static EvaluationResult Evaluate(nn.Module<Tensor, Tensor> model, DatasetTensors data, int batchSize = 1000, CancellationToken cancellationToken = default)
    {
        using var logits = Logits(model, data, batchSize, cancellationToken);
        using var scope = NewDisposeScope();
        var correct = logits.argmax(1).eq(data.Labels).to(ScalarType.Float64).sum().ToDouble();
        var nll = nn.functional.cross_entropy(logits, data.Labels, reduction: nn.Reduction.Sum).ToDouble();
        return new EvaluationResult(correct / data.Count, nll / data.Count, data.Count);
    }

    /// <summary>The model's logits for every example, N×K, in dataset order.</summary>
    public static Tensor Logits(nn.Module<Tensor, Tensor> model, DatasetTensors data, int batchSize = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            var parts = new List<Tensor>();
            using (var scope = NewDisposeScope())
            {
                for (var start = 0; start < data.Count; start += batchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var batch = data.Features.narrow(0, start, Math.Min(batchSize, data.Count - start));
                    parts.Add(model.call(batch));
                }

                return cat(parts).MoveToOuterDisposeScope();
            }
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
