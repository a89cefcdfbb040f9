using System.Buffers.Binary;
using System.IO.Compression;

namespace Ensemble.Distillation.Tests.Data;

/// <summary>Writes IDX files (raw or gzip) for tests.</summary>
internal static class IdxTestFiles
{
    /// <summary>The bytes of an IDX file: header for <paramref name="dimensions"/> with the given type byte, then data.</summary>
    public static byte[] Encode(int[] dimensions, byte[] data, byte type = 0x08)
    {
        var bytes = new byte[4 + 4 * dimensions.Length + data.Length];
        bytes[2] = type;
        bytes[3] = (byte)dimensions.Length;
        for (int i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dimensions[i]);
        }

        data.CopyTo(bytes, 4 + 4 * dimensions.Length);
        return bytes;
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

    /// <summary>Writes an IDX file, gzip-compressed when <paramref name="gzip"/> is set, and returns its path.</summary>
    public static string Write(string path, int[] dimensions, byte[] data, bool gzip)
    {
        byte[] bytes = Encode(dimensions, data);
        File.WriteAllBytes(path, gzip ? Gzip(bytes) : bytes);
        return path;
    }

    /// <summary>Deterministic pseudo-random bytes.</summary>
    public static byte[] Bytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Writes an MNIST-layout pair: <paramref name="labels"/>.Length images of h×w and their labels.</summary>
    public static (string Images, string Labels) WritePair(
        TempDirectory dir, string prefix, byte[] labels, int height, int width, bool gzip, int seed = 1)
    {
        string suffix = gzip ? ".gz" : "";
        string images = Write(
            dir.File($"{prefix}-images-idx3-ubyte{suffix}"),
            [labels.Length, height, width],
            Bytes(labels.Length * height * width, seed),
            gzip);
        string labelPath = Write(dir.File($"{prefix}-labels-idx1-ubyte{suffix}"), [labels.Length], labels, gzip);
        return (images, labelPath);
    }
}
