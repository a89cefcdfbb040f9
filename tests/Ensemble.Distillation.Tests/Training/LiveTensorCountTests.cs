using Ensemble.Distillation.Models;
using Ensemble.Distillation.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Training;

/// <summary>Training does not leak native tensors: the live count stays flat over thousands of steps in dispose scopes.</summary>
public sealed class LiveTensorCountTests
{
    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.AdamW)]
    public void Training_TwoThousandStepsInPerStepScopes_LeavesLiveTensorCountFlat(OptimizerKind kind)
    {
        // Finalizers of tensors that other tests dropped must not run in the middle of the count.
        var before = Losses.TestTensors.SettledLiveTensors();
        manual_seed(3);

        var spec = ModelSpec.DefaultMlp with { Hidden = [16], Dropout = 0.2 };
        var options = new TrainingOptions { Optimizer = kind, LearningRate = kind == OptimizerKind.AdamW ? 0.01 : 0.05, Momentum = 0.9 };
        var model = ModelFactory.Create(spec, [4], 3);
        var optimizer = new Trainer(spec, options).CreateOptimizer(model);
        var schedule = LearningRateSchedule.Create(optimizer, ScheduleKind.Cosine, options.LearningRate, 2000);
        var inputs = randn(32, 4).DetachFromDisposeScope();
        var labels = tensor(Enumerable.Range(0, 32).Select(i => (long)(i % 3)).ToArray());
        long countAtStep100 = -1;
        double firstLoss = double.NaN, lastLoss = double.NaN;

        for (var step = 1; step <= 2000; step++)
        {
            using (var scope = NewDisposeScope())
            {
                var loss = nn.functional.cross_entropy(model.call(inputs), labels);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                schedule?.step();
                if (step == 1) firstLoss = loss.item<float>();
                if (step == 2000) lastLoss = loss.item<float>();
            }

            if (step == 100) countAtStep100 = Tensor.TotalCount;
        }

        var countAtStep2000 = Tensor.TotalCount;
        Assert.Equal(countAtStep100, countAtStep2000);
        Assert.True(lastLoss < firstLoss, $"loss went from {firstLoss} to {lastLoss}");

        // TorchSharp's count never takes back the one it gave the tensor each Parameter was built from (Parameter's
        // constructor moves that tensor's native handle away without decrementing): one per parameter, not a leak.
        var parameters = model.parameters().Count();
        model.Dispose();
        optimizer.Dispose();
        inputs.Dispose();
        labels.Dispose();
        Assert.Equal(before + parameters, Tensor.TotalCount);
    }
}
