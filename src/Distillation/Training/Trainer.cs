using System.Diagnostics;
using Ensemble.Distillation.Data;
using Ensemble.Distillation.Evaluation;
using Ensemble.Distillation.Models;
using Ensemble.Distillation.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Training;

/// <summary>
/// Trains a classifier with cross-entropy on hard labels: per epoch a fresh permutation from libtorch's
/// generator, mini-batches gathered on the device, a scheduled learning rate per step, a checkpoint per epoch.
/// A run that finds checkpoints in its directory resumes from the latest and ends with the same weights as
/// an uninterrupted run (same seed, one thread).
/// </summary>
public sealed class Trainer
{
    private readonly ModelSpec _spec;
    private readonly TrainingOptions _options;
    private readonly Device _device;
    private readonly TrainingLoss _loss;

    /// <summary>Prepares a run; nothing is trained until a <c>Fit</c>.</summary>
    /// <param name="spec">The architecture.</param>
    /// <param name="options">The optimisation settings.</param>
    /// <param name="device">Where to train; CPU when null.</param>
    /// <param name="loss">The mini-batch loss; cross-entropy on the hard labels when null.</param>
    /// <exception cref="ArgumentException">The options are invalid; every problem is listed.</exception>
    public Trainer(ModelSpec spec, TrainingOptions options, Device? device = null, TrainingLoss? loss = null)
    {
        var problems = spec.Validate().Concat(options.Validate()).ToList();
        if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems), nameof(options));
        _spec = spec;
        _options = options;
        _device = device ?? CPU;
        _loss = loss ?? HardLabelLoss;
        TorchRuntime.EnsureAvailable(_device);
    }

    /// <summary>
    /// Called after every optimizer step, under <c>no_grad</c>, with the model: a constraint the weights must keep,
    /// such as pruned weights staying zero (<see cref="Compression.WeightMask"/>). Null for none.
    /// </summary>
    public Action<nn.Module>? AfterStep { get; set; }

    /// <summary>Seeds libtorch and builds the model the spec describes; call it right before a <c>Fit</c>.</summary>
    public nn.Module<Tensor, Tensor> CreateModel(Dataset train)
    {
        manual_seed((long)_options.Seed);
        return ModelFactory.Create(_spec, train.ExampleShape, train.ClassCount, _device);
    }

    /// <summary>Builds the optimizer the options describe over <paramref name="model"/>'s parameters (TorchSharp's SGD with its scalars held, see Training.SGD; or TorchSharp's AdamW).</summary>
    public OptimizerHelper CreateOptimizer(nn.Module<Tensor, Tensor> model) => _options.Optimizer switch
    {
        OptimizerKind.Sgd => new SGD(model.parameters(), _options.LearningRate, _options.Momentum, _options.WeightDecay, _options.Nesterov),
        OptimizerKind.AdamW => optim.AdamW(model.parameters(), _options.LearningRate, weight_decay: _options.WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(model), _options.Optimizer, "unknown optimizer"),
    };

    /// <summary>Trains <paramref name="model"/> on fixed tensors (the same examples every epoch), reporting each epoch.</summary>
    public IReadOnlyList<EpochReport> Fit(nn.Module<Tensor, Tensor> model, DatasetTensors train, DatasetTensors? test,
        Action<EpochReport>? onEpoch = null, CancellationToken cancellationToken = default)
    {
        using var set = new FixedTrainingSet(train);
        return Fit(model, set, test, onEpoch, cancellationToken);
    }

    /// <summary>Trains <paramref name="model"/> on <paramref name="train"/>'s examples of each epoch, reporting each epoch.</summary>
    public IReadOnlyList<EpochReport> Fit(nn.Module<Tensor, Tensor> model, TrainingSet train, DatasetTensors? test,
        Action<EpochReport>? onEpoch = null, CancellationToken cancellationToken = default)
    {
        using var optimizer = CreateOptimizer(model);
        var stepsPerEpoch = (train.Count + _options.BatchSize - 1) / _options.BatchSize;
        var totalSteps = (long)stepsPerEpoch * _options.Epochs;
        var schedule = LearningRateSchedule.Create(optimizer, _options.Schedule, _options.LearningRate, totalSteps);
        var firstEpoch = 1;
        long step = 0;
        if (_options.CheckpointDirectory is { } dir && TrainingCheckpoint.Latest(dir) is { } latest)
        {
            var restored = TrainingCheckpoint.Restore(latest.Path, _spec, model, optimizer, schedule);
            (firstEpoch, step) = (restored.Epoch + 1, restored.Step);
        }

        var reports = new List<EpochReport>();
        for (var epoch = firstEpoch; epoch <= _options.Epochs; epoch++)
        {
            var report = RunEpoch(model, optimizer, schedule, train, epoch, ref step, cancellationToken);
            if (test is not null && (_options.EvaluateEachEpoch || epoch == _options.Epochs))
            {
                var result = Evaluator.Evaluate(model, test, _options.EvaluationBatchSize, cancellationToken);
                report = report with { TestAccuracy = result.Accuracy, TestNll = result.Nll };
            }

            if (_options.CheckpointDirectory is { } checkpoints)
            {
                TrainingCheckpoint.Save(checkpoints, epoch, step, _spec, model, optimizer);
            }

            reports.Add(report);
            onEpoch?.Invoke(report);
        }

        return reports;
    }

    /// <summary>Cross-entropy on the hard labels (or on mixup's blended label distributions): the loss of ordinary supervised training.</summary>
    public static Tensor HardLabelLoss(Tensor logits, Tensor? labels, Tensor? targets) =>
        nn.functional.cross_entropy(logits, labels ?? throw new InvalidOperationException("Training on hard labels needs a labelled set."));

    private EpochReport RunEpoch(nn.Module<Tensor, Tensor> model, OptimizerHelper optimizer, optim.lr_scheduler.LRScheduler? schedule,
        TrainingSet train, int epoch, ref long step, CancellationToken cancellationToken)
    {
        model.train();
        var data = train.ForEpoch(epoch);
        var clock = Stopwatch.StartNew();
        double lossSum = 0;
        var steps = 0;
        var learningRate = CurrentLearningRate(optimizer);
        using var permutation = randperm(train.Count, device: _device);
        for (var start = 0; start < train.Count; start += _options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            learningRate = CurrentLearningRate(optimizer);
            var index = permutation.narrow(0, start, Math.Min(_options.BatchSize, train.Count - start));
            var x = data.Features.index_select(0, index);
            var y = data.Labels?.index_select(0, index);
            var t = data.Targets?.index_select(0, index);
            var loss = _loss(model.call(x), y, t);
            // Drop the gradients rather than zero them (PyTorch 2's default): backward then writes fresh ones instead
            // of adding into zeros, one memory pass less per parameter (TorchSharp's optimizer.zero_grad() zeroes).
            model.zero_grad(set_to_none: true);
            loss.backward();
            optimizer.step();
            if (AfterStep is { } constrain)
            {
                using var noGrad = no_grad();
                constrain(model);
            }

            schedule?.step();
            step++;
            lossSum += loss.ToDouble();
            steps++;
        }

        var seconds = clock.Elapsed.TotalSeconds;
        return new EpochReport(epoch, _options.Epochs, lossSum / steps, train.Count / seconds, seconds, learningRate, null, null);
    }

    private static double CurrentLearningRate(OptimizerHelper optimizer) => optimizer.ParamGroups.First().LearningRate;
}
