using Ensemble.Silo.Store;
using Ensemble.Silo.Store.Postgres;
using Ensemble.Silo.Store.Sqlite;
using Npgsql;

namespace Ensemble.Silo.Tests.Store;

public sealed class TaskStoreFactoryTests
{
    [Theory]
    [InlineData("")]
    [InlineData("sqlite:")]
    [InlineData("/var/lib/ensemble/store.db")]
    [InlineData("mysql://host/db")]
    [InlineData("postgres://host-without-database")]
    [InlineData("postgres:///db")]
    public void A_malformed_location_names_itself_and_the_accepted_forms(string location)
    {
        var error = Assert.Throws<ArgumentException>(() => TaskStoreFactory.Open(location));

        Assert.Equal($"store location '{location}': expected sqlite:PATH or postgres://user:password@host:port/database", error.Message);
    }

    [Fact]
    public void A_password_is_not_repeated_in_the_error()
    {
        var error = Assert.Throws<ArgumentException>(() => TaskStoreFactory.Open("postgres://ensemble:s3cret@db"));

        Assert.Equal("store location 'postgres://ensemble:***@db': expected sqlite:PATH or postgres://user:password@host:port/database", error.Message);
    }

    [Fact]
    public void A_postgres_url_becomes_an_npgsql_connection_string_with_its_parts_decoded()
    {
        var built = new NpgsqlConnectionStringBuilder(
            TaskStoreFactory.PostgresConnectionString("postgres://ens%40lab:p%3Ass%2Fw@db.example:6543/ensemble?search_path=runs"));

        Assert.Equal(("db.example", 6543, "ensemble", "ens@lab", "p:ss/w", "runs"),
            (built.Host, built.Port, built.Database, built.Username, built.Password, built.SearchPath));
        var defaults = new NpgsqlConnectionStringBuilder(TaskStoreFactory.PostgresConnectionString("postgresql://db/ensemble"));
        Assert.Equal(("db", 5432, "ensemble", (string?)null), (defaults.Host, defaults.Port, defaults.Database, defaults.Username));
    }

    [Fact]
    public void An_unknown_url_parameter_is_named()
    {
        var error = Assert.Throws<ArgumentException>(() => TaskStoreFactory.Open("postgres://u:p@db/ensemble?sslmode=require"));

        Assert.Contains("unknown or empty parameter 'sslmode' (known: search_path)", error.Message);
        Assert.DoesNotContain(":p@", error.Message);
    }

    [Fact]
    public async Task Sqlite_creates_the_directory_and_postgres_accepts_a_raw_connection_string()
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
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(directory)!, recursive: true);
        }
    }
}
