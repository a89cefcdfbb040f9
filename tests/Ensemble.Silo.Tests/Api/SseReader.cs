using System.Text;

namespace Ensemble.Silo.Tests.Api;

/// <summary>Reads a <c>text/event-stream</c> body frame by frame (the subset the silo writes: id, event, data, comments).</summary>
internal sealed class SseReader(Stream stream)
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    /// <summary>The next event or comment; null when the server ended the stream.</summary>
    public async Task<SseFrame?> NextAsync(CancellationToken cancellationToken)
    {
        string? id = null, kind = null, data = null;
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (id is null && kind is null && data is null) continue;
                return new SseFrame(id, kind, data, null);
            }

            if (line.StartsWith(':')) return new SseFrame(null, null, null, line[1..].Trim());
            var colon = line.IndexOf(':');
            var (field, value) = colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..].TrimStart(' '));
            switch (field)
            {
                case "id": id = value; break;
                case "event": kind = value; break;
                case "data": data = data is null ? value : $"{data}\n{value}"; break;
                default: throw new InvalidDataException($"unexpected SSE field '{field}' in line '{line}'");
            }
        }

        return id is null && kind is null && data is null ? null : throw new InvalidDataException("stream ended inside a frame");
    }

    /// <summary>Every frame until the server ends the stream.</summary>
    public async Task<List<SseFrame>> ReadToEndAsync(CancellationToken cancellationToken)
    {
        var frames = new List<SseFrame>();
        while (await NextAsync(cancellationToken) is { } frame) frames.Add(frame);
        return frames;
    }
}
