using Orleans;
using Orleans.Storage;

namespace Ensemble.Silo.Storage.Sqlite;

/// <summary>Where and how <see cref="SqliteGrainStorage"/> keeps grain state.</summary>
public sealed class SqliteGrainStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>The SQLite database file (relative paths are resolved against the working directory); its directory is created if missing.</summary>
    public string DatabasePath { get; set; } = "";

    /// <summary>How long a statement waits for another connection's write lock before it fails.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The silo lifecycle stage at which the database is opened and its schema applied.</summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;

    /// <summary>
    /// How state is turned into bytes; when left unset, the serializer registered under the provider's name, else the
    /// silo's default grain storage serializer (filled in when the options are built).
    /// </summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;
}
