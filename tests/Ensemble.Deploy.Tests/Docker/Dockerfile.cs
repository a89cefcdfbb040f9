namespace Ensemble.Deploy.Tests.Docker;

/// <summary>
/// A Dockerfile read into instructions (comments dropped, <c>\</c> continuations joined) and grouped into stages.
/// Enough of the format for checks on what the images install and run; not a full parser.
/// </summary>
internal sealed class Dockerfile
{
    private Dockerfile(IReadOnlyList<DockerStage> stages) => Stages = stages;

    public IReadOnlyList<DockerStage> Stages { get; }

    public DockerStage Final => Stages[^1];

    public IEnumerable<DockerInstruction> Instructions => Stages.SelectMany(s => s.Instructions);

    public static Dockerfile Load(string path)
    {
        var instructions = new List<DockerInstruction>();
        string? pending = null;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || line.Length == 0) continue;
            var continued = line.EndsWith('\\');
            var text = continued ? line[..^1].TrimEnd() : line;
            pending = pending is null ? text : pending + " " + text;
            if (continued) continue;
            var space = pending.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add(space < 0
                ? new DockerInstruction(pending.ToUpperInvariant(), "")
                : new DockerInstruction(pending[..space].ToUpperInvariant(), pending[(space + 1)..].Trim()));
            pending = null;
        }

        var stages = new List<DockerStage>();
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "FROM") stages.Add(new DockerStage(instruction.Arguments));
            else if (stages.Count > 0) stages[^1].Instructions.Add(instruction);
        }

        return new Dockerfile(stages);
    }
}

/// <summary>One instruction: its keyword (upper case) and the rest of its line(s).</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments);

/// <summary>A stage: what its FROM says (image and <c>AS name</c>) and its instructions.</summary>
internal sealed class DockerStage(string from)
{
    public string From { get; } = from;

    public string Image => From.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];

    public string? Name => From.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var a, var name] && a.Equals("AS", StringComparison.OrdinalIgnoreCase) ? name : null;

    public List<DockerInstruction> Instructions { get; } = [];

    public IEnumerable<string> Runs => Instructions.Where(i => i.Keyword == "RUN").Select(i => i.Arguments);

    /// <summary>What the stage's ENV instructions set (<c>KEY=value</c> pairs, the last one winning); values without spaces only.</summary>
    public IReadOnlyDictionary<string, string> Env =>
        Instructions.Where(i => i.Keyword == "ENV")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2))
            .GroupBy(kv => kv[0])
            .ToDictionary(g => g.Key, g => g.Last() is [_, var value] ? value : "");
}
