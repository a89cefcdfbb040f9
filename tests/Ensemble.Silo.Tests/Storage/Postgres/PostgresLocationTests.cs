using Ensemble.Silo.Storage.Postgres;
using Npgsql;

namespace Ensemble.Silo.Tests.Storage.Postgres;

public sealed class PostgresLocationTests
{
    private const string Expected =
        "expected postgres://user:password@host:port/database[?search_path=schema] or an Npgsql connection string starting Host=";

    [Fact]
    public void A_postgres_url_becomes_an_npgsql_connection_string_with_its_parts_decoded()
    {
        var built = new NpgsqlConnectionStringBuilder(
            PostgresLocation.ToConnectionString("postgres://ens%40lab:p%3Ass%2Fw@db.example:6543/ensemble?search_path=runs"));

        Assert.Equal(("db.example", 6543, "ensemble", "ens@lab", "p:ss/w", "runs"),
            (built.Host, built.Port, built.Database, built.Username, built.Password, built.SearchPath));
        var defaults = new NpgsqlConnectionStringBuilder(PostgresLocation.ToConnectionString("postgresql://db/ensemble"));
        Assert.Equal(("db", 5432, "ensemble", (string?)null), (defaults.Host, defaults.Port, defaults.Database, defaults.Username));
    }

    [Fact]
    public void A_connection_string_is_returned_as_written()
    {
        const string connectionString = "Host=127.0.0.1;Port=5433;Username=u;Password=p;Database=d;Search Path=orleans";

        Assert.Equal(connectionString, PostgresLocation.ToConnectionString($"  {connectionString} "));
    }

    [Theory]
    [InlineData("postgres://host-without-database")]
    [InlineData("postgres:///db")]
    [InlineData("postgres://db/a/b")]
    [InlineData("sqlite:/var/lib/ensemble/store.db")]
    [InlineData("")]
    public void A_malformed_location_names_itself_and_the_accepted_forms(string location)
    {
        var error = Assert.Throws<ArgumentException>(() => PostgresLocation.ToConnectionString(location));

        Assert.Equal($"PostgreSQL location '{location}': {Expected} (Parameter 'location')", error.Message);
    }

    [Fact]
    public void A_password_in_a_url_is_not_repeated_in_the_error()
    {
        var error = Assert.Throws<ArgumentException>(() => PostgresLocation.ToConnectionString("postgres://ensemble:s3cret@db"));

        Assert.StartsWith($"PostgreSQL location 'postgres://ensemble:***@db': {Expected}", error.Message);
    }

    [Fact]
    public void An_unknown_url_parameter_is_named_without_the_password()
    {
        var error = Assert.Throws<ArgumentException>(() => PostgresLocation.ToConnectionString("postgres://u:p@db/ensemble?sslmode=require"));

        Assert.StartsWith("PostgreSQL location 'postgres://u:***@db/ensemble?sslmode=require': unknown or empty parameter 'sslmode' (known: search_path)", error.Message);
    }

    [Fact]
    public void An_unknown_connection_string_keyword_is_reported_without_the_password()
    {
        var error = Assert.Throws<ArgumentException>(() => PostgresLocation.ToConnectionString("Host=db;password=s3cret;Colour=blue"));

        Assert.StartsWith("PostgreSQL location 'Host=db;password=***;Colour=blue': ", error.Message);
        Assert.Contains("colour", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("s3cret", error.Message);
    }

    [Theory]
    [InlineData("postgres://db/x", true)]
    [InlineData("POSTGRESQL://db/x", true)]
    [InlineData(" Host=db", true)]
    [InlineData("sqlite:store.db", false)]
    [InlineData("mysql://db/x", false)]
    public void Either_form_is_recognised_by_its_prefix(string location, bool postgres)
    {
        Assert.Equal(postgres, PostgresLocation.IsPostgres(location));
    }
}
