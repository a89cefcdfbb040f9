using Orleans;
using Orleans.Runtime;

namespace Ensemble.Silo.Storage.Sqlite;

/// <summary>Checks a <see cref="SqliteGrainStorageOptions"/> when the silo starts, so a bad path fails there and not at a grain's first read.</summary>
internal sealed class SqliteGrainStorageOptionsValidator(SqliteGrainStorageOptions options, string name) : IConfigurationValidator
{
    /// <inheritdoc/>
    public void ValidateConfiguration() => ThrowIfInvalid(options, name);

    /// <summary>Throws an <see cref="OrleansConfigurationException"/> naming the option when <paramref name="options"/> cannot work.</summary>
    public static void ThrowIfInvalid(SqliteGrainStorageOptions options, string name)
    {
        var option = $"{nameof(SqliteGrainStorageOptions)}.{nameof(SqliteGrainStorageOptions.DatabasePath)}";
        var path = options.DatabasePath;
        if (string.IsNullOrWhiteSpace(path))
            throw new OrleansConfigurationException(
                $"SQLite grain storage '{name}': {option} is empty; set it to the database file to use (e.g. data/grains.db).");

        if (Directory.Exists(path) || path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar))
            throw new OrleansConfigurationException(
                $"SQLite grain storage '{name}': {option} '{path}' is a directory; it must name the database file itself (e.g. {Path.Combine(path, "grains.db")}).");

        if (options.BusyTimeout <= TimeSpan.Zero)
            throw new OrleansConfigurationException(
                $"SQLite grain storage '{name}': {nameof(SqliteGrainStorageOptions)}.{nameof(SqliteGrainStorageOptions.BusyTimeout)} must be positive (it is {options.BusyTimeout}).");
    }
}
