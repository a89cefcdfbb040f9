using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ensemble.Silo.Api;

/// <summary>
/// Turns an unexpected exception in an API handler into 500 with an <see cref="Contracts.Api.ApiProblem"/> that names
/// the exception's type and message but carries no stack trace (the log gets the whole exception).
/// A request the client abandoned is not an error.
/// </summary>
internal sealed partial class ApiExceptionFilter(ILogger<ApiExceptionFilter> logger) : IEndpointFilter
{
    /// <inheritdoc/>
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
        catch (Exception exception)
        {
            LogUnhandled(logger, http.Request.Method, http.Request.Path, exception);
            // Once a stream has begun there is no status line left to change; the connection is aborted instead.
            if (http.Response.HasStarted) throw;
            return ApiResults.Problem(StatusCodes.Status500InternalServerError,
                $"internal error: {exception.GetType().Name}: {FirstLine(exception.Message)}");
        }
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}
