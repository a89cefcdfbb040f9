using Microsoft.Extensions.Logging;

namespace Ensemble.Silo.Api;

internal sealed partial class ApiExceptionFilter
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled exception in {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}
