using System.Diagnostics;
using System.Globalization;
using Ensemble.Distillation.Data;
using Ensemble.Distillation.Evaluation;
using Ensemble.Distillation.Training;
using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Plan;

namespace Ensemble.Grains.Tasks;

/// <summary>
/// Trains ensemble member i with its own seed (own initialisation and data order; a bootstrap resample when
/// asked), checkpointing every epoch so a retried attempt resumes, then stores its logits on every transfer
/// view, the validation split and the test set.
/// </summary>
public sealed class TeacherTask : IRunTask
{
    /// <inheritdoc/>
    public TaskResult Execute(PlannedTask task, RunContext context, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var settings = context.Settings;
        var teachers = settings.Teachers;
        var data = context.Data;
        var seed = settings.Seed + task.Index;
        var train = teachers.Bootstrap ? Bootstrap(data.TeacherTrain, seed)
            : teachers.CrossFit ? LeaveFoldOut(data.TeacherTrain, task.Index, teachers.Count)
            : data.TeacherTrain;
        var training = teachers.Training with
        {
            Seed = (ulong)seed,
            CheckpointDirectory = context.Layout.Checkpoints(task.Id),
            EvaluateEachEpoch = true,
        };
        var trainer = new Trainer(teachers.Model, training, settings.Device);
        using var model = trainer.CreateModel(train);
        using var set = CreateSet(train, teachers.Augmentation, seed, settings);
        using var validation = new DatasetTensors(data.Validation, settings.Device);
        trainer.Fit(model, set, validation, report => context.Progress.Report(EpochProgress.From(task.Id, report)), cancellationToken);
        // Evaluated here, not taken from the last epoch's report: a run resumed after its last checkpoint trains no epoch.
        var accuracy = Evaluator.Evaluate(model, validation, cancellationToken: cancellationToken).Accuracy;

        ModelFile.Save(context.Layout.Model(task.Id), model, teachers.Model, train.ExampleShape, train.ClassCount);
        var outputs = ModelOutputs.Compute(model, ModelOutputs.StandardSets(data), settings.Device, cancellationToken);
        ModelOutputs.SaveAndDispose(context.Layout.Outputs(task.Id), outputs);
        return new TaskResult(task.Id, clock.Elapsed.TotalSeconds, ValidationAccuracy: accuracy, Values: new Dictionary<string, string>
        {
            ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
            ["examples"] = train.Count.ToString(CultureInfo.InvariantCulture),
        });
    }

    /// <summary>The set a member trains on: a fresh augmentation per epoch, or the examples as they are.</summary>
    internal static TrainingSet CreateSet(Dataset train, AugmentationKind augmentation, int seed, RunSettings settings) =>
        augmentation == AugmentationKind.None
            ? new FixedTrainingSet(new DatasetTensors(train, settings.Device), owns: true)
            : new AugmentedTrainingSet(train, augmentation, seed, settings.Device);

    /// <summary>Every row of <paramref name="train"/> except those of fold <paramref name="fold"/>.</summary>
    private static Dataset LeaveFoldOut(Dataset train, int fold, int folds)
    {
        var rows = Enumerable.Range(0, train.Count).Where(r => RunData.FoldOf(r, folds) != fold).ToArray();
        return train.Subset(rows, $"{train.Name}/without-fold{fold}");
    }

    /// <summary>A resample with replacement of the same size, drawn from <paramref name="seed"/>.</summary>
    private static Dataset Bootstrap(Dataset train, int seed)
    {
        var random = new Random(seed);
        var indices = new int[train.Count];
        for (var i = 0; i < indices.Length; i++) indices[i] = random.Next(train.Count);
        return train.Subset(indices, $"{train.Name}/bootstrap{seed}");
    }
}
