using Microsoft.Data.Sqlite;

namespace Ensemble.Silo.Storage.Sqlite;

/// <summary>
/// The grain storage schema, versioned in the file's <c>PRAGMA user_version</c>: <see cref="Migrations"/>[i] takes a
/// database from version i to i + 1, so <see cref="Version"/> is the number of migrations.
/// </summary>
/// <remarks>
/// One row per (state name, grain). <c>version</c> is the row's ETag and only ever grows; a cleared state keeps its row
/// with a null <c>payload</c> (a tombstone), so an ETag handed out before the clear can never match again.
/// </remarks>
internal static class SqliteGrainStorageSchema
{
    /// <summary>Every migration, in order. Append; never edit one that has shipped.</summary>
    public static IReadOnlyList<string> Migrations { get; } =
    [
        // 1: grain state.
        """
        CREATE TABLE grain_state (
            state_name TEXT NOT NULL,
            grain_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            payload BLOB,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (state_name, grain_id)
        ) WITHOUT ROWID;
        """,
    ];

    /// <summary>The schema version this code writes and understands.</summary>
    public static int Version => Migrations.Count;

    /// <summary>
    /// Brings the database on <paramref name="connection"/> to <see cref="Version"/>, each migration in one
    /// <c>BEGIN IMMEDIATE</c> transaction with its version bump; a database at a newer version is refused before
    /// anything is written to it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The database's schema is newer than <see cref="Version"/>.</exception>
    public static async Task ApplyAsync(SqliteConnection connection, string path, CancellationToken cancellationToken)
    {
        var found = await ReadVersionAsync(connection, null, cancellationToken).ConfigureAwait(false);
        ThrowIfNewer(found, path);
        while (found < Version)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            // Another process may have migrated between the read and the write lock: read again under the lock.
            found = await ReadVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            ThrowIfNewer(found, path);
            if (found < Version)
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = $"{Migrations[found]}\nPRAGMA user_version = {found + 1};";
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                found++;
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void ThrowIfNewer(int found, string path)
    {
        if (found > Version)
            throw new InvalidOperationException(
                $"The grain storage database {path}: schema version {found} is newer than this silo knows ({Version}); upgrade Ensemble. The database was not changed.");
    }

    private static async Task<int> ReadVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }
}
