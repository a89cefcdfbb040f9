using Ensemble.Distillation.Data;
using Ensemble.Distillation.Transfer;
using Ensemble.Grains.Plan;

namespace Ensemble.Grains.Tasks;

/// <summary>
/// The datasets of a run, rebuilt from the settings alone (same seed, same examples, same order), so every task —
/// in this process or on another machine — agrees on what row i of a logits file is.
/// </summary>
public sealed class RunData
{
    private RunData(Dataset teacherTrain, Dataset validation, Dataset test, int[] transferRows, Dataset transfer, IReadOnlyList<Dataset> transferViews,
        int[] labeledTransferRows)
    {
        LabeledTransferRows = labeledTransferRows;
        TransferRows = transferRows;
        TeacherTrain = teacherTrain;
        Validation = validation;
        Test = test;
        Transfer = transfer;
        TransferViews = transferViews;
    }

    /// <summary>What the teachers train on: the training set less the validation split.</summary>
    public Dataset TeacherTrain { get; }

    /// <summary>The held-out split: clustering, member weights, choosing between students.</summary>
    public Dataset Validation { get; }

    /// <summary>The test set, used only by the report.</summary>
    public Dataset Test { get; }

    /// <summary>Row i of the transfer set is row <c>TransferRows[i]</c> of <see cref="TeacherTrain"/>.</summary>
    public int[] TransferRows { get; }

    /// <summary>The student's transfer set (drawn from <see cref="TeacherTrain"/>).</summary>
    public Dataset Transfer { get; }

    /// <summary>The positions in <see cref="Transfer"/> whose hard labels the student sees (all, unless <c>labeled_fraction</c> &lt; 1).</summary>
    public int[] LabeledTransferRows { get; }

    /// <summary>Whether some transfer examples are unlabeled images (semi-supervised distillation).</summary>
    public bool HasUnlabeledTransfer => LabeledTransferRows.Length < Transfer.Count;

    /// <summary>The transfer set's views: itself, then its augmented copies.</summary>
    public IReadOnlyList<Dataset> TransferViews { get; }

    /// <summary>Loads and splits the data <paramref name="settings"/> describe.</summary>
    /// <exception cref="ArgumentException">The dataset cannot be found or read; the message names it.</exception>
    public static RunData Load(RunSettings settings)
    {
        var data = settings.Data;
        var (train, test) = data.Dataset == "synthetic"
            ? SyntheticDataset.Generate(data.Synthetic)
            : DatasetCatalog.Load(data.Dataset);
        if (data.TrainSubset > 0 && data.TrainSubset < train.Count)
        {
            train = train.Split((double)data.TrainSubset / train.Count, settings.Seed).Validation;
        }

        if (data.TestSubset > 0 && data.TestSubset < test.Count) test = test.Take(data.TestSubset);
        var (teacherTrain, validation) = train.Split(data.ValidationFraction, settings.Seed);
        var rows = TransferSetBuilder.SelectIndices(teacherTrain, settings.Student.Transfer);
        var transfer = teacherTrain.Subset(rows, $"{teacherTrain.Name}/transfer");
        return new RunData(teacherTrain, validation, test, rows, transfer, TransferSetBuilder.Views(transfer, settings.Student.Transfer),
            TransferSetBuilder.LabeledRows(transfer, settings.Student.Transfer));
    }

    /// <summary>
    /// With cross-fitting, the fold of row <paramref name="row"/> of <see cref="TeacherTrain"/>: the one member that never
    /// trains on it. <see cref="TeacherTrain"/> is already in a seeded random order, so folds by position are random.
    /// </summary>
    public static int FoldOf(int row, int teachers) => row % teachers;
}
