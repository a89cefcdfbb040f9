using Orleans.Hosting;

namespace Ensemble.Silo.Storage.Postgres;

/// <summary>Lets an Orleans client find a PostgreSQL-clustered silo's gateways.</summary>
public static class PostgresClusterClientBuilderExtensions
{
    /// <summary>
    /// Reads the gateway list from the membership table at <paramref name="connectionString"/> (the active silos'
    /// gateway endpoints, for the client's <c>ClusterOptions.ClusterId</c>). The client never changes the schema: a
    /// silo applies it (see <see cref="PostgresClusterSiloBuilderExtensions.UsePostgresCluster"/>).
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="connectionString">An Npgsql connection string or a <c>postgres://</c> URL (see <see cref="PostgresLocation"/>).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The location is malformed.</exception>
    public static IClientBuilder UsePostgresClustering(this IClientBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var npgsql = PostgresLocation.ToConnectionString(connectionString);
        return builder.UseAdoNetClustering(options =>
        {
            options.Invariant = PostgresClusterSiloBuilderExtensions.Invariant;
            options.ConnectionString = npgsql;
        });
    }
}
