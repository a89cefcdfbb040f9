using Orleans;
using Orleans.Runtime;

namespace Ensemble.Silo.Storage.Postgres;

/// <summary>
/// Applies <see cref="OrleansPostgresSchema"/> at the silo lifecycle's first stage, before the clustering, storage
/// and reminder providers read their queries from the database.
/// </summary>
internal sealed class OrleansPostgresSchemaStartup(string connectionString) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <inheritdoc/>
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(OrleansPostgresSchema), ServiceLifecycleStage.First,
            async cancellationToken => await OrleansPostgresSchema.ApplyAsync(connectionString, cancellationToken));
}
