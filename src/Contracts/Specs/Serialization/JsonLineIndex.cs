using System.Text;

namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>Turns byte offsets into 1-based lines and (character) columns.</summary>
internal sealed class JsonLineIndex
{
    private readonly byte[] _bytes;
    private readonly List<int> _starts = [0];

    /// <summary>Indexes the line starts of <paramref name="bytes"/>.</summary>
    public JsonLineIndex(byte[] bytes)
    {
        _bytes = bytes;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n') _starts.Add(i + 1);
        }
    }

    /// <summary>The position of the byte at <paramref name="offset"/>.</summary>
    public SourcePosition Position(long offset)
    {
        int index = _starts.BinarySearch((int)offset);
        int line = index >= 0 ? index : ~index - 1;
        int start = _starts[line];
        return new SourcePosition(line + 1, Encoding.UTF8.GetCharCount(_bytes, start, (int)offset - start) + 1);
    }
}
