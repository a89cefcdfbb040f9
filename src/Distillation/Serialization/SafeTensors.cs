using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Serialization;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
/// (<c>{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}</c>),
/// then the raw little-endian tensor bytes. Other tools (Python's safetensors, Hugging Face) load these files.
/// Ours rather than TorchSharp.PyBridge's: a model file or checkpoint may come from anyone, so every header field
/// is checked against the file before a byte is allocated, and each refusal names the file and the problem.
/// </summary>
public static class SafeTensors
{
    private const int MaxHeaderBytes = 100 * 1024 * 1024;

    /// <summary>Writes <paramref name="tensors"/> atomically: a temporary file in the same directory, flushed, then renamed.</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToArray();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) meta[k] = v;
            header["__metadata__"] = meta;
        }

        long offset = 0;
        foreach (var (name, tensor) in ordered)
        {
            var bytes = tensor.numel() * tensor.element_size();
            header[name] = new JsonObject
            {
                ["dtype"] = DTypeName(tensor.dtype),
                ["shape"] = new JsonArray(tensor.shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }

        var headerBytes = System.Text.Encoding.UTF8.GetBytes(header.ToJsonString());
        // Pad the header with spaces so the data starts 8-byte aligned, as the reference implementation does.
        var padded = (headerBytes.Length + 7) / 8 * 8;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
                stream.Write(length);
                stream.Write(headerBytes);
                for (var i = headerBytes.Length; i < padded; i++) stream.WriteByte((byte)' ');
                foreach (var (_, tensor) in ordered)
                {
                    using var host = tensor.detach().cpu().contiguous();
                    stream.Write(host.bytes);
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Reads a safetensors file onto <paramref name="device"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not valid safetensors; the message names the file and the problem.</exception>
    public static SafeTensorsFile Load(string path, Device? device = null)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8) throw Invalid(path, $"{bytes.Length} bytes is too short for a header length");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || 8 + (long)headerLength > bytes.Length)
        {
            throw Invalid(path, $"header length {headerLength} does not fit in a {bytes.Length}-byte file");
        }

        JsonObject header;
        try
        {
            header = JsonNode.Parse(bytes.AsSpan(8, (int)headerLength)) as JsonObject ?? throw Invalid(path, "header is not a JSON object");
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"header is not valid JSON ({e.Message})");
        }

        var dataStart = 8 + (long)headerLength;
        var dataLength = bytes.Length - dataStart;
        var metadata = new Dictionary<string, string>();
        var tensors = new Dictionary<string, Tensor>();
        var ranges = new List<(long Begin, long End, string Name)>();
        try
        {
            foreach (var (name, node) in header)
            {
                if (name == "__metadata__")
                {
                    var map = node as JsonObject ?? throw Invalid(path, "__metadata__ is not an object");
                    foreach (var (k, v) in map) metadata[k] = v?.GetValue<string>() ?? throw Invalid(path, $"metadata '{k}' is null");
                    continue;
                }

                var entry = node as JsonObject ?? throw Invalid(path, $"tensor '{name}' has no description");
                var type = ParseDType(path, name, entry["dtype"]?.GetValue<string>());
                var shape = entry["shape"]?.AsArray().Select(s => Number(path, name, s)).ToArray() ?? throw Invalid(path, $"tensor '{name}' has no shape");
                if (shape.Any(s => s < 0)) throw Invalid(path, $"tensor '{name}' has a negative dimension in [{string.Join(", ", shape)}]");
                var offsets = entry["data_offsets"]?.AsArray().Select(s => Number(path, name, s)).ToArray();
                if (offsets is not { Length: 2 } || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength)
                {
                    throw Invalid(path, $"tensor '{name}' has data offsets outside the {dataLength}-byte data section");
                }

                // The product of absurd dimensions overflows long: bound each step by the data section's size.
                var expected = ElementSize(type);
                foreach (var dim in shape)
                {
                    expected = dim == 0 || expected <= dataLength / Math.Max(dim, 1) ? expected * dim : long.MaxValue;
                }

                if (expected > dataLength)
                {
                    throw Invalid(path, $"tensor '{name}' of shape [{string.Join(", ", shape)}] needs more than the {dataLength}-byte data section holds");
                }

                if (offsets[1] - offsets[0] != expected)
                {
                    throw Invalid(path, $"tensor '{name}' of shape [{string.Join(", ", shape)}] needs {expected} bytes, the header gives {offsets[1] - offsets[0]}");
                }

                ranges.Add((offsets[0], offsets[1], name));
                var data = bytes.AsSpan((int)(dataStart + offsets[0]), (int)expected);
                var host = empty(shape, type).DetachFromDisposeScope();
                data.CopyTo(host.bytes);
                if (device is null || device.type == TorchSharp.DeviceType.CPU)
                {
                    tensors[name] = host;
                }
                else
                {
                    using (host) tensors[name] = host.to(device).DetachFromDisposeScope();
                }
            }

            // Two tensors may not share bytes: the format gives each its own range.
            ranges.Sort();
            for (var r = 1; r < ranges.Count; r++)
            {
                if (ranges[r].Begin < ranges[r - 1].End && ranges[r].End > ranges[r].Begin)
                {
                    throw Invalid(path, $"tensors '{ranges[r - 1].Name}' and '{ranges[r].Name}' overlap at data offset {ranges[r].Begin}");
                }
            }
        }
        catch (Exception e)
        {
            foreach (var t in tensors.Values) t.Dispose();
            // A header value of the wrong JSON kind (System.Text.Json.Nodes reports those this way).
            if (e is InvalidOperationException or FormatException) throw Invalid(path, $"malformed header ({e.Message})");
            throw;
        }

        return new SafeTensorsFile(tensors, metadata);
    }

    private static long Number(string path, string name, JsonNode? node) =>
        node?.GetValue<long>() ?? throw Invalid(path, $"tensor '{name}' has a null where a number belongs");

    private static string DTypeName(ScalarType type) => type switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float64 => "F64",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"{type} has no safetensors name"),
    };

    private static ScalarType ParseDType(string path, string name, string? dtype) => dtype switch
    {
        "F32" => ScalarType.Float32,
        "F64" => ScalarType.Float64,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw Invalid(path, $"tensor '{name}' has unsupported dtype '{dtype}'"),
    };

    private static long ElementSize(ScalarType type) => type switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };

    private static InvalidDataException Invalid(string path, string problem) => new($"{path}: not a valid safetensors file: {problem}");
}
