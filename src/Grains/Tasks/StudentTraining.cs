using Ensemble.Distillation.Data;
using Ensemble.Distillation.Evaluation;
using Ensemble.Distillation.Models;
using Ensemble.Distillation.Training;
using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Plan;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Grains.Tasks;

/// <summary>
/// What the distilled students and the baseline share, so that they differ only in their loss: the same
/// architecture, initial weights (one seed), data order, views, schedule and epochs.
/// </summary>
internal static class StudentTraining
{
    /// <summary>The seed of every student and of the baseline.</summary>
    public static int Seed(RunSettings settings) => settings.Seed + 100;

    /// <summary>The training options of the student or baseline <paramref name="name"/>.</summary>
    public static TrainingOptions Options(RunContext context, string taskId, string name) => context.Settings.Student.Training with
    {
        Seed = (ulong)Seed(context.Settings),
        CheckpointDirectory = context.Layout.Checkpoints(taskId, $"checkpoints-{name}"),
        EvaluateEachEpoch = true,
    };

    /// <summary>
    /// What the students and the baseline train on, the same images for all of them: with fixed targets the transfer views
    /// (with their stored soft targets); with online targets a fresh augmented and mixed view every epoch, scored by the
    /// teachers. Null <paramref name="targets"/> make the baseline's set: hard labels (or mixup's blended labels), on the
    /// labelled examples only when <c>labeled_fraction</c> leaves some unlabeled.
    /// </summary>
    public static TrainingSet CreateSet(RunContext context, StudentTargets? targets = null)
    {
        var settings = context.Settings;
        var transfer = settings.Student.Transfer;
        var data = context.Data;
        var baseline = targets is null;
        var labeled = transfer.Labeled || baseline;
        // The student sees every example and the labels of the labelled ones; the baseline sees only the labelled ones.
        var labelWeights = !baseline && data.HasUnlabeledTransfer ? LabelDistributions.Mask(data.Transfer.Count, data.LabeledTransferRows) : null;
        Dataset Shown(Dataset view) => baseline && data.HasUnlabeledTransfer ? view.Subset(data.LabeledTransferRows, $"{view.Name}/labeled") : view;
        return settings.Student.OnlineTargets
            ? new AugmentedTrainingSet(Shown(data.Transfer), transfer.Augmentation, transfer.Seed, settings.Device, transfer.Mixup, labeled,
                targets?.Online is { } online ? online.ForEpoch : null, labelWeights)
            : new ViewTrainingSet([.. data.TransferViews.Select(Shown)], targets?.Views, labeled, settings.Device, labelWeights);
    }

    /// <summary>
    /// Where the student or baseline <paramref name="name"/>'s validation and test logits go: <c>{name}-outputs.safetensors</c>,
    /// beside its weights in <c>{name}.safetensors</c> (the layout's default outputs name would be the weights' file).
    /// </summary>
    public static string OutputsPath(ArtifactLayout layout, string taskId, string name) => layout.Outputs(taskId, $"{name}-outputs");

    /// <summary>
    /// Trains <paramref name="name"/> with <paramref name="trainer"/> on <paramref name="set"/>, then saves it and its
    /// validation and test logits. The network is a fresh student, or <paramref name="start"/> (taken over: a pruned
    /// student, of its own smaller spec) when given.
    /// </summary>
    public static (nn.Module<Tensor, Tensor> Model, double ValidationAccuracy) TrainAndSave(RunContext context, string taskId, string name, Trainer trainer,
        TrainingSet set, CancellationToken cancellationToken, Action<nn.Module<Tensor, Tensor>>? afterTraining = null,
        (nn.Module<Tensor, Tensor> Model, ModelSpec Spec)? start = null)
    {
        var settings = context.Settings;
        var data = context.Data;
        var model = start?.Model ?? trainer.CreateModel(data.Transfer);
        try
        {
            using (var validation = new DatasetTensors(data.Validation, settings.Device))
            {
                trainer.Fit(model, set, validation, r => context.Progress.Report(EpochProgress.From($"{taskId}:{name}", r)), cancellationToken);
            }

            afterTraining?.Invoke(model);
            return (model, Save(context, taskId, name, model, start?.Spec ?? settings.Student.Model, cancellationToken));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Saves <paramref name="model"/> (of <paramref name="spec"/>) as <paramref name="name"/> with its validation and test logits; returns its validation accuracy.</summary>
    public static double Save(RunContext context, string taskId, string name, nn.Module<Tensor, Tensor> model, ModelSpec spec, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var data = context.Data;
        double accuracy;
        using (var validation = new DatasetTensors(data.Validation, settings.Device))
        {
            accuracy = Evaluator.Evaluate(model, validation, cancellationToken: cancellationToken).Accuracy;
        }

        ModelFile.Save(context.Layout.Model(taskId, name), model, spec, data.Transfer.ExampleShape, data.Transfer.ClassCount);
        var outputs = ModelOutputs.Compute(model, [("validation", data.Validation), ("test", data.Test)], settings.Device, cancellationToken);
        ModelOutputs.SaveAndDispose(OutputsPath(context.Layout, taskId, name), outputs);
        return accuracy;
    }
}
