using Ensemble.Distillation.Ensembles;
using Ensemble.Distillation.Specialists;
using Ensemble.Grains.Artifacts;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Grains.Tasks;

/// <summary>
/// The ensemble's outputs on one stored set, from the teachers' and specialists' files: the aggregate (any
/// method, the run's member weights) and the eq. 5 combination with the specialists. Shared by the aggregate
/// task (transfer views) and the report (test set) so both compute the same thing.
/// </summary>
internal sealed class EnsembleOutputs : IDisposable
{
    private readonly RunContext _context;
    private readonly List<Tensor> _members;

    /// <summary>Reads every teacher's logits on <paramref name="set"/>.</summary>
    public EnsembleOutputs(RunContext context, string set)
    {
        _context = context;
        Set = set;
        var teachers = context.Teachers();
        if (teachers.Count == 0) throw new InvalidOperationException($"no teacher results under {context.Layout.Root}");
        MemberIds = teachers;
        _members = [.. teachers.Select(id => ModelOutputs.Read(context.Layout.Outputs(id), set))];
        Recipe = RecipeOf(context);
    }

    /// <summary>How the run combines its members: its aggregation, weighting, the teachers' validation accuracies and eq. 5's top-n.</summary>
    public EnsembleRecipe Recipe { get; }

    /// <summary>The stored set these outputs are for.</summary>
    public string Set { get; }

    /// <summary>The teachers read, e.g. <c>teacher/0</c>, in the order of <see cref="Members"/>.</summary>
    public IReadOnlyList<string> MemberIds { get; }

    /// <summary>Each teacher's logits.</summary>
    public IReadOnlyList<Tensor> Members => _members;

    /// <summary>The aggregate's logits at <paramref name="temperature"/> (softmax of logits / T is the aggregate), with the run's weighting.</summary>
    public Tensor Aggregate(AggregationMethod method, double temperature) => Recipe.Aggregate(_members, temperature, method);

    /// <summary>The recipe of the run in <paramref name="context"/> over its recorded teachers.</summary>
    public static EnsembleRecipe RecipeOf(RunContext context)
    {
        var accuracies = context.Teachers().Select(id => AtomicFile.ReadJson<TaskResult>(context.Layout.Result(id)).ValidationAccuracy ?? 1.0).ToList();
        return new EnsembleRecipe(context.Settings.Aggregation, context.Settings.Weighting, accuracies, context.Settings.Specialists.TopN);
    }

    /// <summary>
    /// Cross-fitted logits: row r from member <c>folds[r]</c>, the one that never trained on that example. A single
    /// member's logits are its own aggregate at any temperature, so these serve as soft-target logits directly.
    /// </summary>
    public Tensor OutOfFold(IReadOnlyList<int> folds)
    {
        using var scope = NewDisposeScope();
        var stacked = stack(_members, 0);
        var (rows, classes) = (stacked.shape[1], stacked.shape[2]);
        if (folds.Count != rows) throw new ArgumentException($"{folds.Count} folds for {rows} rows.", nameof(folds));
        var index = tensor(folds.Select(f => (long)f).ToArray(), [1, rows, 1]).expand([1, rows, classes]);
        return stacked.gather(0, index).squeeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The eq. 5 combination of the run's aggregate (at T = 1) with every trained specialist, as probabilities;
    /// null when no specialist was trained.
    /// </summary>
    /// <param name="generalistLogits">The generalist's logits (T = 1); the run's aggregate when null.</param>
    public Tensor? CombineWithSpecialists(Tensor? generalistLogits = null)
    {
        var count = _context.Settings.Specialists.Count;
        var specialists = Enumerable.Range(0, count).Select(j => SpecialistTask.Read(_context, j, Set)).OfType<SpecialistPrediction>().ToList();
        try
        {
            return Recipe.CombineWithSpecialists(_members, specialists, generalistLogits);
        }
        finally
        {
            foreach (var s in specialists) s.Distribution.Dispose();
        }
    }

    /// <summary>Frees the teachers' logits.</summary>
    public void Dispose()
    {
        foreach (var m in _members) m.Dispose();
    }
}
