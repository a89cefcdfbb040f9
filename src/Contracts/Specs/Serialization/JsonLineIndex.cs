using System.Text;

namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>
/// Turns byte offsets into 1-based lines and (character) columns. Offsets asked for in increasing order (as a reader
/// meets its tokens) cost only the bytes between them, so a document on one long line is still read in linear time.
/// </summary>
internal sealed class JsonLineIndex
{
    private readonly byte[] _bytes;
    private readonly List<int> _starts = [0];
    private int _lastOffset = -1;
    private int _lastLine;
    private int _lastColumn;

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
        int at = (int)Math.Clamp(offset, 0, _bytes.Length);
        int index = _starts.BinarySearch(at);
        int line = index >= 0 ? index : ~index - 1;
        int start = _starts[line];
        // On the line of the last answer and after it: count on from there instead of from the line's start.
        bool onward = _lastOffset >= start && _lastOffset <= at && _lastLine == line;
        int from = onward ? _lastOffset : start;
        int column = (onward ? _lastColumn : 1) + Encoding.UTF8.GetCharCount(_bytes, from, at - from);
        (_lastOffset, _lastLine, _lastColumn) = (at, line, column);
        return new SourcePosition(line + 1, column);
    }
}
