using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ensemble.Grains.Artifacts;

/// <summary>Writes a file completely or not at all: a temporary file in the same directory, flushed, then renamed.</summary>
public static class AtomicFile
{
    /// <summary>The JSON settings of every artifact: snake_case, indented, enums as lower-case names.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteText(string path, string text) => Write(path, temp =>
    {
        using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
        writer.Flush();
        stream.Flush(flushToDisk: true);
    });

    /// <summary>Has <paramref name="write"/> write the content of <paramref name="path"/> to a stream, atomically.</summary>
    public static void WriteStream(string path, Action<Stream> write) => Write(path, temp =>
    {
        using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write);
        write(stream);
        stream.Flush(flushToDisk: true);
    });

    /// <summary>Copies <paramref name="source"/> to <paramref name="path"/> atomically.</summary>
    public static void Copy(string source, string path) => Write(path, temp =>
    {
        File.Copy(source, temp);
        using var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite);
        stream.Flush(flushToDisk: true);
    });

    /// <summary>Has <paramref name="fill"/> write a temporary file beside <paramref name="path"/>, then renames it over <paramref name="path"/>.</summary>
    private static void Write(string path, Action<string> fill)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            fill(temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes <paramref name="value"/> as JSON to <paramref name="path"/> atomically.</summary>
    public static void WriteJson<T>(string path, T value) => WriteText(path, JsonSerializer.Serialize(value, Json));

    /// <summary>Reads a JSON artifact, naming the file when it is missing or malformed.</summary>
    public static T ReadJson<T>(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: missing (has the task that writes it finished?)", path);
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path}: empty JSON document");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid {typeof(T).Name}: {e.Message}", e);
        }
    }
}
