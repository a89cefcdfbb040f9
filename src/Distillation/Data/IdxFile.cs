using System.Buffers.Binary;
using System.IO.Compression;

namespace Ensemble.Distillation.Data;

/// <summary>
/// Reads files in the IDX format used by MNIST and Fashion-MNIST
/// (<see href="http://yann.lecun.com/exdb/mnist/"/>), gzip-compressed or raw.
/// </summary>
/// <remarks>
/// The header is two zero bytes, an element-type byte (only <c>0x08</c>, unsigned byte, is supported),
/// a dimension-count byte, then one big-endian 32-bit size per dimension; the data follows and must
/// end exactly where the header says it does.
/// </remarks>
public static class IdxFile
{
    /// <summary>The IDX element-type byte for unsigned bytes, the only type this reader accepts.</summary>
    public const byte UnsignedByteType = 0x08;

    private const int FileBufferSize = 1 << 20;

    /// <summary>
    /// Reads an IDX file of unsigned bytes, decompressing it first when it starts with the gzip magic bytes.
    /// </summary>
    /// <param name="path">The file to read; compression is detected from its content, not its name.</param>
    /// <param name="dimensionCounts">
    /// The numbers of dimensions the caller accepts (e.g. 3 for images, 1 for labels); empty accepts any.
    /// </param>
    /// <returns>The dimensions and the data.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not a valid IDX file of unsigned bytes with an accepted number of dimensions, is a corrupt
    /// gzip stream, is truncated, or has bytes after its data; the message names the file and the problem.
    /// </exception>
    public static IdxArray Read(string path, params ReadOnlySpan<int> dimensionCounts)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found", path);
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileBufferSize);
        bool gzip = IsGzip(file);
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
        // A raw file cannot hold more data than its length; a gzip stream's length is only known by reading it.
        long? available = gzip || !file.CanSeek ? null : file.Length;
        return Read(stream, path, gzip, available, dimensionCounts);
    }

    private static bool IsGzip(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        int read = file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    private static IdxArray Read(Stream stream, string path, bool gzip, long? available, ReadOnlySpan<int> dimensionCounts)
    {
        Span<byte> magicBytes = stackalloc byte[4];
        int read = ReadFully(stream, magicBytes, path, gzip);
        if (read < magicBytes.Length)
        {
            throw new InvalidDataException($"{path}: truncated: the IDX header needs at least 4 bytes, file has {read}");
        }

        uint magic = BinaryPrimitives.ReadUInt32BigEndian(magicBytes);
        CheckMagic(magic, path, dimensionCounts);

        int rank = magicBytes[3];
        Span<byte> sizeBytes = stackalloc byte[4 * rank];
        read = ReadFully(stream, sizeBytes, path, gzip);
        if (read < sizeBytes.Length)
        {
            throw new InvalidDataException(
                $"{path}: truncated: the IDX header declares {rank} dimension(s) needing {sizeBytes.Length} bytes of sizes, file has {read}");
        }

        var dimensions = new int[rank];
        long length = 1;
        for (int i = 0; i < rank; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(sizeBytes[(4 * i)..]);
            if (size > int.MaxValue)
            {
                throw new InvalidDataException($"{path}: dimension {i} has size {size}, which is not a valid (non-negative int32) size");
            }

            dimensions[i] = (int)size;
            // Saturate so the product cannot overflow; anything past Array.MaxLength is rejected below anyway.
            length = Math.Min(length * size, Array.MaxLength + 1L);
        }

        string shape = IdxArray.FormatShape(dimensions);
        if (length > Array.MaxLength)
        {
            throw new InvalidDataException($"{path}: header says {shape}, which is more data than one array can hold");
        }

        // Never allocate what the header claims before the file shows it has it: a 16-byte file may claim 2 GB.
        long headerBytes = 4 + (4L * rank);
        if (available is { } fileLength && length > fileLength - headerBytes)
        {
            throw new InvalidDataException(
                $"{path}: truncated: header says {shape} = {length} bytes of data, file has {Math.Max(fileLength - headerBytes, 0)}");
        }

        byte[] data = available is null ? ReadGrowing(stream, length, path, gzip, out read) : new byte[length];
        if (available is not null) read = ReadFully(stream, data, path, gzip);
        if (read < length)
        {
            throw new InvalidDataException($"{path}: truncated: header says {shape} = {length} bytes of data, file has {read}");
        }

        long trailing = CountRemaining(stream, path, gzip);
        if (trailing > 0)
        {
            throw new InvalidDataException(
                $"{path}: {trailing} unexpected trailing byte(s) after the {data.Length} bytes of data that the header ({shape}) describes");
        }

        return new IdxArray(dimensions, data);
    }

    private static void CheckMagic(uint magic, string path, ReadOnlySpan<int> dimensionCounts)
    {
        int type = (int)((magic >> 8) & 0xff);
        int rank = (int)(magic & 0xff);
        bool idxPrefix = (magic & 0xffff0000) == 0;

        // A well-formed header of another element type deserves a clearer message than "bad magic".
        if (idxPrefix && type != UnsignedByteType && OtherTypeName(type) is { } typeName)
        {
            throw new InvalidDataException(
                $"{path}: unsupported IDX element type 0x{type:X2} ({typeName}); only 0x{UnsignedByteType:X2} (unsigned byte) is supported");
        }

        bool rankAccepted = dimensionCounts.IsEmpty ? rank >= 1 : dimensionCounts.Contains(rank);
        if (idxPrefix && type == UnsignedByteType && rankAccepted)
        {
            return;
        }

        string expected;
        if (dimensionCounts.IsEmpty)
        {
            expected = "0x000008NN (IDX unsigned byte, NN >= 1 dimensions)";
        }
        else
        {
            var magics = new string[dimensionCounts.Length];
            var ranks = new string[dimensionCounts.Length];
            for (int i = 0; i < dimensionCounts.Length; i++)
            {
                magics[i] = $"0x{(UnsignedByteType << 8) | dimensionCounts[i]:X8}";
                ranks[i] = dimensionCounts[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            string noun = dimensionCounts.Length == 1 && dimensionCounts[0] == 1 ? "dimension" : "dimensions";
            expected = $"{string.Join(" or ", magics)} (IDX unsigned byte, {string.Join(" or ", ranks)} {noun})";
        }

        throw new InvalidDataException($"{path}: bad magic number 0x{magic:X8}, expected {expected}");
    }

    private static string? OtherTypeName(int type) => type switch
    {
        0x09 => "signed byte",
        0x0B => "int16",
        0x0C => "int32",
        0x0D => "float32",
        0x0E => "float64",
        _ => null,
    };

    /// <summary>
    /// Reads up to <paramref name="length"/> bytes from a stream of unknown length (gzip) into a buffer that grows as the
    /// bytes arrive, so memory follows what the stream holds, not what its header claims.
    /// </summary>
    private static byte[] ReadGrowing(Stream stream, long length, string path, bool gzip, out int read)
    {
        const int FirstChunk = 1 << 20;
        var data = new byte[Math.Min(length, FirstChunk)];
        read = 0;
        while (true)
        {
            read += ReadFully(stream, data.AsSpan(read), path, gzip);
            if (read < data.Length || data.Length == length) return data;
            Array.Resize(ref data, (int)Math.Min(length, data.Length * 2L));
        }
    }

    /// <summary>Reads until the buffer is full or the stream ends; returns the bytes read.</summary>
    private static int ReadFully(Stream stream, Span<byte> buffer, string path, bool gzip)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e) when (gzip)
        {
            throw BadGzip(path, e);
        }
    }

    private static long CountRemaining(Stream stream, string path, bool gzip)
    {
        Span<byte> scratch = stackalloc byte[4096];
        long total = 0;
        try
        {
            int read;
            while ((read = stream.Read(scratch)) > 0)
            {
                total += read;
            }
        }
        catch (InvalidDataException e) when (gzip)
        {
            throw BadGzip(path, e);
        }

        return total;
    }

    private static InvalidDataException BadGzip(string path, InvalidDataException inner) =>
        new($"{path}: not a valid gzip stream ({inner.Message})", inner);
}
