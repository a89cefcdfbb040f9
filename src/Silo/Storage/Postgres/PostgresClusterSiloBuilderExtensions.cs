using Orleans.Hosting;

namespace Ensemble.Silo.Storage.Postgres;

/// <summary>Runs an Orleans silo's cluster state on PostgreSQL: membership, grain storage and reminders.</summary>
public static class PostgresClusterSiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant the Orleans providers know Npgsql by.</summary>
    internal const string Invariant = "Npgsql";

    /// <summary>
    /// Uses the database at <paramref name="connectionString"/> for clustering, for the grain storage named
    /// <paramref name="storageName"/> and for reminders (Orleans' ADO.NET providers). The database must hold
    /// <see cref="OrleansPostgresSchema"/> before the silo starts (<c>SiloHost</c> applies it before it builds the host,
    /// so that a refused schema stops the silo with its own message, and only once).
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="connectionString">
    /// An Npgsql connection string (<c>Search Path</c> picks the schema) or a <c>postgres://</c> URL (see
    /// <see cref="PostgresLocation"/>).
    /// </param>
    /// <param name="storageName">The grain storage's name, as <c>[PersistentState(..., storageName)]</c> names it.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// The providers find Npgsql themselves (they load <c>Npgsql.NpgsqlFactory.Instance</c> from the Npgsql assembly
    /// for the invariant <c>"Npgsql"</c>), so nothing is registered with <c>DbProviderFactories</c>.
    /// </remarks>
    /// <exception cref="ArgumentException">The location or the storage name is malformed.</exception>
    public static ISiloBuilder UsePostgresCluster(this ISiloBuilder builder, string connectionString, string storageName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(storageName);
        var npgsql = PostgresLocation.ToConnectionString(connectionString);
        return builder
            .UseAdoNetClustering(options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = npgsql;
            })
            .AddAdoNetGrainStorage(storageName, options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = npgsql;
            })
            .UseAdoNetReminderService(options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = npgsql;
            });
    }
}
