using System.Buffers.Binary;
using System.Text;

namespace Ensemble.Fuzzing;

/// <summary>
/// Seeded mutations of a valid input, in the spirit of AFL's havoc stage: bit flips, interesting bytes and 32-bit
/// big-endian integers, deletions, duplications, tokens of the format inserted or repeated many times (deep nesting,
/// alias chains), huge numbers, truncation. The same seed always gives the same case, so a failing case is replayed
/// from its seed alone. Shared (linked) by the test projects and <c>bench/fuzz</c>.
/// </summary>
public sealed class InputMutator(IReadOnlyList<string> tokens)
{
    private static readonly byte[] _interestingBytes = [0x00, 0x01, 0x7f, 0x80, 0xff, (byte)'\n', (byte)'\t', (byte)' '];

    private static readonly uint[] _interestingInts =
        [0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 60000, 28, 10, 0x00000803, 0x00000801];

    private static readonly string[] _numbers = ["100000", "1000000000", "2147483647", "2147483648", "-1", "1e308", "1e-308", "99999999999999999999", "0", "-0", "nan", ".inf"];

    /// <summary>YAML's structural tokens and a few that spec readers must refuse (anchors, aliases, tags).</summary>
    public static IReadOnlyList<string> YamlTokens { get; } =
        ["{", "}", "[", "]", ":", ": ", ",", "- ", "\n", "\n  ", "  ", "#", "'", "\"", "&a ", "*a", "!x ", "!!str ", "|", ">", "---\n", "...\n", "? ", "~", "<<: ", "%YAML 1.1\n", "\t", "\\", "\u00e9", "\uFEFF", "{a: ", "[["];

    /// <summary>JSON's structural tokens.</summary>
    public static IReadOnlyList<string> JsonTokens { get; } =
        ["{", "}", "[", "]", ":", ",", "\"", "\\", "\\u0000", "\\ud800", "null", "true", "false", "/*", "*/", "//", "\n", "{\"a\":", "[[", "\u00e9", "\uFEFF", " "];

    /// <summary>No tokens: for binary formats (IDX).</summary>
    public static IReadOnlyList<string> NoTokens { get; } = [];

    /// <summary>Case <paramref name="index"/> of the run seeded <paramref name="seed"/>: 1 to 4 mutations of <paramref name="input"/>.</summary>
    public byte[] Mutate(ReadOnlySpan<byte> input, int seed, int index)
    {
        var random = new Random(HashCode.Combine(seed, index));
        var bytes = new List<byte>(input.ToArray());
        int rounds = random.Next(1, 5);
        for (int round = 0; round < rounds; round++)
        {
            MutateOnce(bytes, random);
        }

        return [.. bytes];
    }

    private void MutateOnce(List<byte> bytes, Random random)
    {
        int choice = random.Next(tokens.Count > 0 ? 11 : 7);
        int at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
        switch (choice)
        {
            case 0 when bytes.Count > 0:
                bytes[at] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when bytes.Count > 0:
                bytes[at] = _interestingBytes[random.Next(_interestingBytes.Length)];
                break;
            case 2 when bytes.Count >= 4:
                // An interesting value written big-endian over four bytes: IDX sizes and magic numbers.
                Span<byte> word = stackalloc byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(word, _interestingInts[random.Next(_interestingInts.Length)]);
                int start = random.Next(2) == 0 ? 4 * random.Next(Math.Min(bytes.Count / 4, 8)) : random.Next(bytes.Count - 3);
                for (int i = 0; i < 4; i++) bytes[start + i] = word[i];
                break;
            case 3 when bytes.Count > 0:
                bytes.RemoveRange(at, random.Next(1, Math.Min(bytes.Count - at, 64) + 1));
                break;
            case 4 when bytes.Count > 0:
                int length = random.Next(1, Math.Min(bytes.Count - at, 256) + 1);
                bytes.InsertRange(random.Next(bytes.Count + 1), bytes.GetRange(at, length));
                break;
            case 5 when bytes.Count > 0:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case 6:
                var noise = new byte[random.Next(1, 32)];
                random.NextBytes(noise);
                bytes.InsertRange(at, noise);
                break;
            case 7:
                bytes.InsertRange(at, Encoding.UTF8.GetBytes(tokens[random.Next(tokens.Count)]));
                break;
            case 8:
                // One token many times over: deep nesting, long lines, endless alias chains.
                string token = tokens[random.Next(tokens.Count)];
                int times = random.Next(4) == 0 ? random.Next(1_000, 100_000) : random.Next(2, 100);
                bytes.InsertRange(at, Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(token, times))));
                break;
            case 9:
                ReplaceNumber(bytes, random);
                break;
            default:
                bytes.InsertRange(at, Encoding.UTF8.GetBytes(_numbers[random.Next(_numbers.Length)]));
                break;
        }
    }

    /// <summary>Replaces a run of digits with a huge, negative or odd number, so limits and ranges are reached, not just syntax.</summary>
    private static void ReplaceNumber(List<byte> bytes, Random random)
    {
        var digits = new List<int>();
        for (int i = 0; i < bytes.Count; i++)
        {
            if (bytes[i] is >= (byte)'0' and <= (byte)'9' && (i == 0 || bytes[i - 1] is < (byte)'0' or > (byte)'9')) digits.Add(i);
        }

        if (digits.Count == 0) return;
        int start = digits[random.Next(digits.Count)];
        int end = start;
        while (end < bytes.Count && bytes[end] is >= (byte)'0' and <= (byte)'9') end++;
        bytes.RemoveRange(start, end - start);
        bytes.InsertRange(start, Encoding.UTF8.GetBytes(_numbers[random.Next(_numbers.Length)]));
    }
}
