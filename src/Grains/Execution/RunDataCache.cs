using Ensemble.Grains.Plan;
using Ensemble.Grains.Tasks;

namespace Ensemble.Grains.Execution;

/// <summary>
/// Keeps the data of the runs this silo worked on lately, so consecutive tasks of a run (every teacher, then the
/// student) do not each load and split the dataset again.
/// </summary>
/// <param name="capacity">How many runs' data it keeps.</param>
public sealed class RunDataCache(int capacity = 2)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<(string RunId, Lazy<RunData> Data)> _recent = new();

    /// <summary>The data of <paramref name="runId"/>, loaded on first use.</summary>
    public Lazy<RunData> For(string runId, RunSettings settings)
    {
        lock (_lock)
        {
            for (var node = _recent.First; node is not null; node = node.Next)
            {
                if (node.Value.RunId != runId) continue;
                _recent.Remove(node);
                _recent.AddFirst(node);
                return node.Value.Data;
            }

            var data = new Lazy<RunData>(() => RunData.Load(settings), LazyThreadSafetyMode.ExecutionAndPublication);
            _recent.AddFirst((runId, data));
            while (_recent.Count > capacity) _recent.RemoveLast();
            return data;
        }
    }
}
