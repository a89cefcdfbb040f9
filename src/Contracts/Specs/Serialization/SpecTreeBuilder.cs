using System.Globalization;

namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>
/// Builds a <see cref="SpecNode"/> tree from a parser's events (YAML's or JSON's) with an explicit stack, never by
/// recursion, so no document can exhaust the thread's stack. It enforces <see cref="SpecDocumentLimits"/> as the
/// events arrive (depth before a container opens, the node count, each value's length) and reports a key given twice
/// in one mapping; every refusal is a problem with the field path and position. After a limit is hit it is
/// <see cref="Stopped"/> and the reader stops parsing: nothing past the limit is ever read.
/// </summary>
internal sealed class SpecTreeBuilder(SpecDocumentLimits limits, ProblemLog log)
{
    private readonly Stack<Frame> _open = new();
    private int _nodes;

    /// <summary>The finished root; null until the top-level node is complete (or when reading stopped).</summary>
    public SpecNode? Root { get; private set; }

    /// <summary>Whether a limit was hit (logged); the tree is then incomplete and must not be used.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Whether the innermost open node is a mapping waiting for its next key.</summary>
    public bool ExpectsKey => _open.TryPeek(out var top) && top.Entries is not null && top.Key is null;

    /// <summary>The next key of the innermost open mapping; false when reading must stop.</summary>
    public bool Key(string name, SourcePosition at)
    {
        var top = _open.Peek();
        if (name.Length > limits.ScalarLength)
        {
            return Stop(top.Path, $"a field name of {Count(name.Length)} characters is over the limit of {Count(limits.ScalarLength)}", at);
        }

        top.Key = name;
        top.KeyAt = at;
        top.Duplicate = !top.Seen!.TryAdd(name, at);
        if (top.Duplicate) log.Add(SpecPath.Field(top.Path, name), $"duplicate field (first set on line {top.Seen[name].Line})", at);
        return true;
    }

    /// <summary>A value; false when reading must stop.</summary>
    public bool Scalar(string text, ScalarKind kind, SourcePosition at)
    {
        if (!CountNode(at)) return false;
        if (text.Length > limits.ScalarLength)
        {
            return Stop(NextPath(), $"a value of {Count(text.Length)} characters is over the limit of {Count(limits.ScalarLength)}", at);
        }

        Add(new ScalarNode(text, kind, at));
        return true;
    }

    /// <summary>Opens a mapping; false when reading must stop.</summary>
    public bool StartMapping(SourcePosition at) => Open(new Frame(NextPath(), at) { Entries = [], Seen = new(StringComparer.Ordinal) });

    /// <summary>Opens a list; false when reading must stop.</summary>
    public bool StartSequence(SourcePosition at) => Open(new Frame(NextPath(), at) { Items = [] });

    /// <summary>Closes the innermost open mapping or list.</summary>
    public void End()
    {
        var frame = _open.Pop();
        Add(frame.Entries is not null ? new MappingNode(frame.Entries, frame.At) : new SequenceNode(frame.Items!, frame.At));
    }

    /// <summary>Logs a problem that ends reading (an anchor, a tag, a complex key), at the path of the node it is on.</summary>
    public bool Refuse(string message, SourcePosition at) => Stop(NextPath(), message, at);

    private bool Open(Frame frame)
    {
        if (!CountNode(frame.At)) return false;
        // Checked before the container opens, so the depth a document reaches is never more than the limit.
        if (_open.Count + 1 > limits.Depth) return Stop(frame.Path, $"nesting deeper than the limit of {Count(limits.Depth)} levels", frame.At);
        _open.Push(frame);
        return true;
    }

    private bool CountNode(SourcePosition at) =>
        ++_nodes <= limits.Nodes || Stop(NextPath(), $"the document has more than the limit of {Count(limits.Nodes)} nodes", at);

    private bool Stop(string path, string message, SourcePosition at)
    {
        log.Add(path, message, at);
        Stopped = true;
        return false;
    }

    /// <summary>The field path of the node that comes next: the pending key's field, the next list item, or the root.</summary>
    private string NextPath()
    {
        if (!_open.TryPeek(out var top)) return "";
        if (top.Entries is not null) return top.Key is null ? top.Path : SpecPath.Field(top.Path, top.Key);
        return SpecPath.Item(top.Path, top.Items!.Count);
    }

    private void Add(SpecNode node)
    {
        if (!_open.TryPeek(out var parent))
        {
            Root = node;
            return;
        }

        if (parent.Entries is not null)
        {
            // A duplicate was reported when its key came; the first value stands.
            if (!parent.Duplicate) parent.Entries.Add(new MappingEntry(parent.Key!, parent.KeyAt, node));
            parent.Key = null;
        }
        else
        {
            parent.Items!.Add(node);
        }
    }

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>An open mapping (<see cref="Entries"/> set) or list (<see cref="Items"/> set).</summary>
    private sealed class Frame(string path, SourcePosition at)
    {
        public string Path { get; } = path;

        public SourcePosition At { get; } = at;

        public List<MappingEntry>? Entries { get; init; }

        public Dictionary<string, SourcePosition>? Seen { get; init; }

        public List<SpecNode>? Items { get; init; }

        public string? Key { get; set; }

        public SourcePosition KeyAt { get; set; }

        public bool Duplicate { get; set; }
    }
}
