using System.Net;
using Ensemble.Contracts.Api;
using Ensemble.Contracts.Grains;
using Ensemble.Silo.Api;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Ensemble.Silo.Tests.Api;

/// <summary>What the API answers when something below it fails.</summary>
public sealed class ErrorHandlingTests
{
    [Fact]
    public async Task An_unexpected_exception_answers_500_with_one_line_and_no_stack_trace_and_is_logged()
    {
        await using var host = await ApiHost.StartAsync();
        // The run index throws, as a grain whose storage failed does.
        host.Probe.Fault = method => method == "IRunIndexGrain.List" ? new InvalidOperationException("database is locked\nsecond line") : null;

        using var response = await host.Client.GetAsync("/api/v1/runs");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Equal("internal error: InvalidOperationException: database is locked", problem.Error);
        Assert.Empty(problem.Problems);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("second line", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
        var logged = Assert.Single(host.Logs.Entries, e => e.Level == LogLevel.Error && e.Category == typeof(ApiExceptionFilter).FullName);
        Assert.Equal("Unhandled exception in GET /api/v1/runs", logged.Message);
        Assert.IsType<InvalidOperationException>(logged.Exception);
    }

    [Fact]
    public async Task A_run_whose_stored_state_cannot_be_read_answers_500_naming_it_and_the_silo_serves_on()
    {
        await using var host = await ApiHost.StartAsync();
        var healthy = await host.SubmitRunAsync();
        // A run grain's row in the grain storage that no longer deserializes (a hand-edited or damaged file).
        var grain = host.Silo.Grains.GetGrain<IRunGrain>("damaged-run").GetGrainId().ToString();
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(host.Directory, "store.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO grain_state (state_name, grain_id, version, payload, updated_at) VALUES ('run', $grain, 1, x'00010203', '2026-01-01T00:00:00Z');";
            insert.Parameters.AddWithValue("$grain", grain);
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        using var response = await host.Client.GetAsync("/api/v1/runs/damaged-run");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.StartsWith("internal error: ", problem.Error, StringComparison.Ordinal);
        // The body names the grain whose storage failed; the log has the whole exception, down to why.
        Assert.Equal($"internal error: OrleansException: Error from storage provider SqliteGrainStorage.run during ReadStateAsync for grain {grain}", problem.Error);
        var logged = Assert.Single(host.Logs.Entries, e => e.Category == typeof(ApiExceptionFilter).FullName);
        Assert.Equal((LogLevel.Error, "Unhandled exception in GET /api/v1/runs/damaged-run"), (logged.Level, logged.Message));
        Assert.Contains("cannot be deserialized as Ensemble.Grains.Runs.RunGrainState", logged.Exception!.ToString(), StringComparison.Ordinal);
        using var other = await host.Client.GetAsync($"/api/v1/runs/{healthy}");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public void Invalid_options_are_refused_naming_every_field()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        var options = new ApiOptions { Token = " ", MaxRequestBodyBytes = 0, EventPollInterval = TimeSpan.Zero };

        var error = Assert.Throws<ArgumentException>(() => services.AddSiloApi(options));

        Assert.Contains("Token must be null (no authentication) or non-blank", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxRequestBodyBytes must be >= 1, got 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("EventPollInterval must be positive", error.Message, StringComparison.Ordinal);
        Assert.Empty(new ApiOptions().Problems());
    }
}
