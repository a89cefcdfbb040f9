using System.Net;
using Ensemble.Contracts.Api;
using Ensemble.Silo.Api;
using Ensemble.Silo.Store;
using Microsoft.Extensions.Logging;

namespace Ensemble.Silo.Tests.Api;

public sealed class ErrorHandlingTests
{
    [Fact]
    public async Task An_unexpected_exception_answers_500_with_one_line_and_no_stack_trace_and_is_logged()
    {
        await using var host = await ApiHost.StartAsync();
        host.Probe.Intercept = method => method == nameof(ITaskStore.ListRunsAsync)
            ? Task.FromException<IReadOnlyList<RunRecord>>(new InvalidOperationException("database is locked\nsecond line"))
            : null;

        using var response = await host.Client.GetAsync("/api/v1/runs");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Equal("internal error: InvalidOperationException: database is locked", problem.Error);
        Assert.Empty(problem.Problems);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("second line", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
        var logged = Assert.Single(host.Logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Equal("Unhandled exception in GET /api/v1/runs", logged.Message);
        Assert.IsType<InvalidOperationException>(logged.Exception);
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
