namespace Ensemble.Deploy.Tests;

/// <summary>Where the repository's files are, found by walking up from the test binaries to <c>Ensemble.sln</c>.</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string K8s => Path.Combine(Root, "deploy", "k8s");

    public static string Overlay(string name) => Path.Combine(K8s, "overlays", name);

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "Ensemble.sln"))) return directory.FullName;
        }

        throw new InvalidOperationException($"no Ensemble.sln above {AppContext.BaseDirectory}: the tests must run from the repository's build output");
    }
}
