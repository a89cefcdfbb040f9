namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>One field of a section: its key in files, and how it is read into and written from a <typeparamref name="T"/>.</summary>
internal abstract class SpecField<T>(string name)
{
    /// <summary>The key in files (snake_case).</summary>
    public string Name { get; } = name;

    /// <summary><paramref name="target"/> with this field read from <paramref name="node"/>; unchanged when it could not be read (the problem is logged).</summary>
    public abstract T Read(T target, SpecNode node, string path, ProblemLog log);

    /// <summary>The node that writes this field of <paramref name="source"/>.</summary>
    public abstract SpecNode Write(T source);
}
