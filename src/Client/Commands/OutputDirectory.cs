namespace Ensemble.Client.Commands;

/// <summary>A directory results are written to, checked before any work starts so a bad one costs nothing.</summary>
internal static class OutputDirectory
{
    /// <summary>Creates <paramref name="path"/> if needed and proves it writable with a probe file.</summary>
    /// <param name="path">The directory.</param>
    /// <param name="option">The option that named it, for the message.</param>
    /// <exception cref="UnauthorizedAccessException">It cannot be created or written; the message names the option and the path.</exception>
    public static string Prepare(string path, string option)
    {
        var full = Path.GetFullPath(path);
        try
        {
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, $".ensemble-write-test-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UnauthorizedAccessException($"{option}: cannot write to {full}: {e.Message}", e);
        }
    }
}
