namespace Ensemble.Grains.Tasks;

/// <summary>The cluster task's output.</summary>
/// <param name="Classes">One sorted class set per specialist, most confusable first.</param>
/// <param name="Names">The same sets by class name, for people.</param>
public sealed record ClusterFile(int[][] Classes, string[] Names);
