// An MSBuild task (compiled by RoslynCodeTaskFactory, see TorchSharp.Native.targets) that marks one symbol-version
// requirement of an ELF shared library weak (VER_FLG_WEAK), in a copy of the library.
//
// Why: TorchSharp 0.107.0's prebuilt libLibTorchSharp.so asks for GLIBCXX_3.4.32 (GCC 13's libstdc++) for one
// symbol, _ZSt21ios_base_library_initv, which it references but never calls. Debian 12's libstdc++ stops at 3.4.30,
// so the loader refuses the whole library. A weak version requirement lets the loader go on when the version is
// missing; every other requirement stays as it was. The task refuses to patch when any symbol other than the
// expected one needs the version, since that symbol could really be called.
//
// ELF64 little-endian only (the linux-x64 package). Layouts from the System V gABI and the LSB's symbol
// versioning chapter: Elf64_Shdr (64 bytes), Elf64_Sym (24), Elf64_Verneed and Elf64_Vernaux (16 each),
// .gnu.version as one UInt16 per dynamic symbol. The task factory compiles against netstandard, hence the plain
// byte arithmetic.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenSymbolVersion : Task
{
    private const uint ShtDynsym = 11;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>The library as the package ships it.</summary>
    [Required] public string Source { get; set; } = "";

    /// <summary>Where the patched copy goes (written temp-then-rename).</summary>
    [Required] public string Destination { get; set; } = "";

    /// <summary>The needed library whose version is weakened, e.g. libstdc++.so.6.</summary>
    [Required] public string Library { get; set; } = "";

    /// <summary>The version to weaken, e.g. GLIBCXX_3.4.32.</summary>
    [Required] public string Version { get; set; } = "";

    /// <summary>The only symbol allowed to need that version.</summary>
    [Required] public string AllowedSymbol { get; set; } = "";

    /// <summary>"patched", "already-weak" or "not-needed" (the library does not ask for the version).</summary>
    [Output] public string Outcome { get; set; } = "";

    public override bool Execute()
    {
        try
        {
            var bytes = File.ReadAllBytes(Source);
            Outcome = Patch(bytes);
            var temp = Destination + "." + Guid.NewGuid().ToString("N") + ".tmp";
            Directory.CreateDirectory(Path.GetDirectoryName(Destination)!);
            File.WriteAllBytes(temp, bytes);
            if (File.Exists(Destination)) File.Replace(temp, Destination, null);
            else File.Move(temp, Destination);
            Log.LogMessage(MessageImportance.Normal, $"{Source}: {Version} of {Library}: {Outcome} -> {Destination}");
            return true;
        }
        catch (InvalidDataException e)
        {
            Log.LogError($"{Source}: {e.Message}");
            return false;
        }
    }

    private string Patch(byte[] elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException("not a little-endian ELF64 file");

        var shoff = U64(elf, 40);
        var shentsize = U16(elf, 58);
        var shnum = U16(elf, 60);
        if (shentsize != 64 || shoff + (ulong)shnum * 64 > (ulong)elf.Length)
            throw new InvalidDataException("section header table outside the file");

        int verneed = -1, versym = -1;
        for (var i = 0; i < shnum; i++)
        {
            var type = U32(elf, Section(shoff, i) + 4);
            if (type == ShtGnuVerneed) verneed = i;
            else if (type == ShtGnuVersym) versym = i;
        }

        if (verneed < 0) return "not-needed";
        var needHeader = Section(shoff, verneed);
        var needStrings = Section(shoff, (int)U32(elf, needHeader + 40));
        var needStart = Offset(elf, U64(elf, needHeader + 24));
        var needCount = U32(elf, needHeader + 44);

        // Find the Vernaux entry of Version under the Verneed entry of Library.
        var (auxAt, versionIndex) = (-1, (ushort)0);
        var entry = needStart;
        for (var n = 0; n < needCount; n++)
        {
            var file = Text(elf, needStrings, U32(elf, entry + 4));
            var aux = entry + (int)U32(elf, entry + 8);
            for (var a = 0; a < U16(elf, entry + 2); a++)
            {
                if (file == Library && Text(elf, needStrings, U32(elf, aux + 8)) == Version)
                {
                    (auxAt, versionIndex) = (aux, U16(elf, aux + 6));
                }

                aux += (int)U32(elf, aux + 12);
            }

            entry += (int)U32(elf, entry + 12);
        }

        if (auxAt < 0) return "not-needed";
        if ((U16(elf, auxAt + 4) & VerFlgWeak) != 0) return "already-weak";

        // Every dynamic symbol that needs this version must be the allowed one.
        if (versym < 0) throw new InvalidDataException("has version requirements but no .gnu.version section");
        var symHeader = Section(shoff, versym);
        var dynsym = Section(shoff, (int)U32(elf, symHeader + 40));
        if (U32(elf, dynsym + 4) != ShtDynsym) throw new InvalidDataException(".gnu.version is not linked to .dynsym");
        var symStrings = Section(shoff, (int)U32(elf, dynsym + 40));
        var symStart = Offset(elf, U64(elf, dynsym + 24));
        var versions = Offset(elf, U64(elf, symHeader + 24));
        var symbols = (int)(U64(elf, dynsym + 32) / 24);
        var needing = new List<string>();
        for (var s = 0; s < symbols; s++)
        {
            if ((U16(elf, versions + 2 * s) & 0x7fff) == versionIndex)
            {
                needing.Add(Text(elf, symStrings, U32(elf, symStart + 24 * s)));
            }
        }

        if (needing.Count != 1 || needing[0] != AllowedSymbol)
        {
            throw new InvalidDataException(
                $"refusing to weaken {Version}: it is needed by [{string.Join(", ", needing)}], expected only {AllowedSymbol}");
        }

        elf[auxAt + 4] |= (byte)VerFlgWeak; // vna_flags is little-endian: the flag lives in its low byte
        return "patched";
    }

    private static int Section(ulong shoff, int index) => checked((int)shoff + 64 * index);

    private static int Offset(byte[] elf, ulong offset) =>
        offset < (ulong)elf.Length ? (int)offset : throw new InvalidDataException($"offset {offset} is past the end of the file");

    // A NUL-terminated string at index within the string table described by section header `table`.
    private static string Text(byte[] elf, int table, uint index)
    {
        var start = Offset(elf, U64(elf, table + 24) + index);
        var end = Array.IndexOf(elf, (byte)0, start);
        if (end < 0) throw new InvalidDataException($"unterminated string at offset {start}");
        return Encoding.ASCII.GetString(elf, start, end - start);
    }

    private static ulong Read(byte[] b, int at, int size)
    {
        if (at < 0 || at + size > b.Length) throw new InvalidDataException($"offset {at} is past the end of the file");
        ulong value = 0;
        for (var i = size - 1; i >= 0; i--) value = (value << 8) | b[at + i];
        return value;
    }

    private static ushort U16(byte[] b, int at) => (ushort)Read(b, at, 2);
    private static uint U32(byte[] b, int at) => (uint)Read(b, at, 4);
    private static ulong U64(byte[] b, int at) => Read(b, at, 8);
}
