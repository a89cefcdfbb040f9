using Ensemble.Distillation.Data;
using Ensemble.Distillation.Evaluation;
using Ensemble.Distillation.Models;
using Ensemble.Distillation.Runtime;
using Ensemble.Distillation.Serialization;
using Ensemble.Distillation.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Training;

public sealed class TrainerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-trainer-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Mlp_On6000FashionMnistExamples_ReachesAtLeast80PercentIn2Epochs()
    {
        TorchRuntime.Threads = Environment.ProcessorCount;
        var (train, test) = DatasetCatalog.Load("fashion-mnist");
        using var trainTensors = new DatasetTensors(train.Take(6000));
        using var testTensors = new DatasetTensors(test);
        var trainer = new Trainer(ModelSpec.DefaultMlp, new TrainingOptions { Epochs = 2, BatchSize = 32, LearningRate = 0.05, EvaluateEachEpoch = false });
        using var model = trainer.CreateModel(train);

        var reports = trainer.Fit(model, trainTensors, testTensors);

        Assert.Equal(2, reports.Count);
        Assert.True(reports[^1].TestAccuracy >= 0.80, $"test accuracy {reports[^1].TestAccuracy:P2} < 80 %");
        Assert.True(reports[1].Loss < reports[0].Loss, "the training loss did not fall");
        // The report's accuracy is the evaluator's, on all 10,000 test images.
        Assert.Equal(reports[^1].TestAccuracy, Evaluator.Evaluate(model, testTensors).Accuracy);
    }

    [Fact]
    public void ResumedFromEpochCheckpoint_EndsWithExactlyTheWeightsOfAnUninterruptedRun()
    {
        var previousThreads = TorchRuntime.Threads;
        TorchRuntime.Threads = 1;
        try
        {
            var (train, _) = SyntheticDataset.Generate(new SyntheticDatasetOptions { Seed = 3, TrainPerClass = 60, TestPerClass = 10 });
            var spec = ModelSpec.DefaultMlp with { Hidden = [64, 32], Dropout = 0.3 };
            var options = new TrainingOptions { Epochs = 4, BatchSize = 32, LearningRate = 0.05, Seed = 7, Nesterov = true };
            using var data = new DatasetTensors(train);

            var uninterrupted = Train(spec, options with { CheckpointDirectory = Path.Combine(_directory, "a") }, data, stopAfterEpoch: null);

            var interruptedDirectory = Path.Combine(_directory, "b");
            var first = Train(spec, options with { CheckpointDirectory = interruptedDirectory }, data, stopAfterEpoch: 2);
            Assert.Equal([1, 2], first.Epochs);
            Assert.Equal(2, TrainingCheckpoint.Latest(interruptedDirectory)?.Epoch);
            var resumed = Train(spec, options with { CheckpointDirectory = interruptedDirectory }, data, stopAfterEpoch: null);

            Assert.Equal([3, 4], resumed.Epochs); // not from epoch 1
            Assert.Equal(uninterrupted.Weights.Keys, resumed.Weights.Keys);
            foreach (var (name, weights) in uninterrupted.Weights)
            {
                Assert.Equal(weights, resumed.Weights[name]); // bit for bit
            }

            // And the resumed run did change the weights it restored.
            Assert.NotEqual(first.Weights["layers.0.weight"], resumed.Weights["layers.0.weight"]);
        }
        finally
        {
            TorchRuntime.Threads = previousThreads;
        }
    }

    [Fact]
    public void Restore_OfACheckpointForAnotherModel_NamesTheFileAndBothSpecs()
    {
        var (train, _) = SyntheticDataset.Generate(new SyntheticDatasetOptions { Seed = 1, TrainPerClass = 20, TestPerClass = 5 });
        var spec = ModelSpec.DefaultMlp with { Hidden = [16] };
        using var data = new DatasetTensors(train);
        Train(spec, new TrainingOptions { Epochs = 1, CheckpointDirectory = _directory }, data, stopAfterEpoch: null);

        var other = spec with { Hidden = [8] };
        var trainer = new Trainer(other, new TrainingOptions { Epochs = 2, CheckpointDirectory = _directory });
        using var model = trainer.CreateModel(train);
        var e = Assert.Throws<InvalidDataException>(() => trainer.Fit(model, data, null));
        Assert.Contains(TrainingCheckpoint.FileName(1), e.Message);
        Assert.Contains("[16]", e.Message);
        Assert.Contains("[8]", e.Message);
    }

    [Fact]
    public void Restore_OfACheckpointInTheOlderFormat_SaysSoNamingTheFile()
    {
        // ensemble.checkpoint/1 held the old binding's optimizer state, which TorchSharp's optimizers cannot take up.
        var (train, _) = SyntheticDataset.Generate(new SyntheticDatasetOptions { Seed = 1, TrainPerClass = 20, TestPerClass = 5 });
        var spec = ModelSpec.DefaultMlp with { Hidden = [16] };
        var path = Path.Combine(_directory, TrainingCheckpoint.FileName(1));
        using (var scope = NewDisposeScope())
        {
            SafeTensors.Save(path, [new("model.layers.0.weight", zeros(16, 32))],
                new Dictionary<string, string> { ["format"] = "ensemble.checkpoint/1", ["epoch"] = "1" });
        }

        var trainer = new Trainer(spec, new TrainingOptions { Epochs = 2, CheckpointDirectory = _directory });
        using var model = trainer.CreateModel(train);
        using var data = new DatasetTensors(train);
        var e = Assert.Throws<InvalidDataException>(() => trainer.Fit(model, data, null));
        Assert.Contains(TrainingCheckpoint.FileName(1), e.Message);
        Assert.Contains("older format", e.Message);
    }

    [Fact]
    public void InvalidOptions_AreAllListedByFieldName()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new Trainer(ModelSpec.DefaultMlp, new TrainingOptions { Epochs = 0, BatchSize = -1, LearningRate = double.NaN }));
        Assert.Contains("training.epochs", e.Message);
        Assert.Contains("training.batch_size", e.Message);
        Assert.Contains("training.learning_rate", e.Message);
    }

    private static (List<int> Epochs, Dictionary<string, float[]> Weights) Train(ModelSpec spec, TrainingOptions options, DatasetTensors data, int? stopAfterEpoch)
    {
        var trainer = new Trainer(spec, options);
        using var model = trainer.CreateModel(data.Dataset);
        var epochs = new List<int>();
        using var stop = new CancellationTokenSource();
        try
        {
            trainer.Fit(model, data, null, r =>
            {
                epochs.Add(r.Epoch);
                if (r.Epoch == stopAfterEpoch) stop.Cancel();
            }, stop.Token);
        }
        catch (OperationCanceledException) when (stopAfterEpoch is not null)
        {
        }

        return (epochs, model.state_dict().ToDictionary(kv => kv.Key, kv => ToFloats(kv.Value)));
    }

    private static float[] ToFloats(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.cpu().contiguous().data<float>().ToArray();
    }
}
