using Ensemble.Silo.Store;
using Ensemble.Silo.Store.Postgres;
using Ensemble.Silo.Store.Sqlite;

namespace Ensemble.Silo.Tests.Store;

/// <summary>How the factory picks a store; the PostgreSQL forms' parsing is PostgresLocationTests'.</summary>
public sealed class TaskStoreFactoryTests
{
    [Theory]
    [InlineData("")]
    [InlineData("sqlite:")]
    [InlineData("/var/lib/ensemble/store.db")]
    [InlineData("mysql://host/db")]
    public void A_malformed_location_names_itself_and_the_accepted_forms(string location)
    {
        var error = Assert.Throws<ArgumentException>(() => TaskStoreFactory.Open(location));

        Assert.Equal($"store location '{location}': expected sqlite:PATH or postgres://user:password@host:port/database", error.Message);
    }

    [Fact]
    public void A_malformed_postgres_url_gets_the_parsers_error_without_its_password()
    {
        var error = Assert.Throws<ArgumentException>(() => TaskStoreFactory.Open("postgres://ensemble:s3cret@db"));

        Assert.StartsWith("PostgreSQL location 'postgres://ensemble:***@db': expected postgres://", error.Message);
    }

    [Fact]
    public async Task Sqlite_creates_the_directory_and_postgres_accepts_a_url_or_a_raw_connection_string()
    {
        var directory = Path.Combine(Path.GetTempPath(), "ensemble-store-tests", Guid.NewGuid().ToString("N"), "nested");
        try
        {
            await using (var sqlite = TaskStoreFactory.Open($"sqlite:{Path.Combine(directory, "store.db")}"))
            {
                Assert.Equal(Path.Combine(directory, "store.db"), Assert.IsType<SqliteTaskStore>(sqlite).Path);
                Assert.True(Directory.Exists(directory));
            }

            // Opening connects to nothing yet: the data source connects on first use.
            await using var postgres = TaskStoreFactory.Open("Host=127.0.0.1;Port=1;Username=u;Database=d");
            Assert.IsType<PostgresTaskStore>(postgres);
            await using var url = TaskStoreFactory.Open("postgres://u@127.0.0.1:1/d");
            Assert.IsType<PostgresTaskStore>(url);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(directory)!, recursive: true);
        }
    }
}
