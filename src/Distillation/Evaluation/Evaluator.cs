using Ensemble.Distillation.Data;
using Ensemble.Torch;
using Ensemble.Torch.Nn;

namespace Ensemble.Distillation.Evaluation;

/// <summary>Runs a model over a dataset in evaluation mode, without autograd.</summary>
public static class Evaluator
{
    /// <summary>Accuracy and mean NLL of <paramref name="model"/> on <paramref name="data"/>.</summary>
    public static EvaluationResult Evaluate(Module model, DatasetTensors data, int batchSize = 1000, CancellationToken cancellationToken = default)
    {
        using var logits = Logits(model, data, batchSize, cancellationToken);
        using var scope = Torch.Torch.NewDisposeScope();
        var correct = logits.ArgMax(1).Eq(data.Labels).To(ScalarType.Float64).Sum().Item();
        var nll = Functional.CrossEntropy(logits, data.Labels, Reduction.Sum).Item();
        return new EvaluationResult(correct / data.Count, nll / data.Count, data.Count);
    }

    /// <summary>The model's logits for every example, N×K, in dataset order.</summary>
    public static Tensor Logits(Module model, DatasetTensors data, int batchSize = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            using var noGrad = Torch.Torch.NoGrad();
            var parts = new List<Tensor>();
            using (var scope = Torch.Torch.NewDisposeScope())
            {
                for (var start = 0; start < data.Count; start += batchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var batch = data.Features.Narrow(0, start, Math.Min(batchSize, data.Count - start));
                    parts.Add(model.Forward(batch));
                }

                return Tensor.Cat(parts).MoveToOuterScope();
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
    }
}
