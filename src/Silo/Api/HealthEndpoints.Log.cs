using Microsoft.Extensions.Logging;

namespace Ensemble.Silo.Api;

internal static partial class HealthEndpoints
{
    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Not ready: {Reason}")]
    private static partial void LogNotReady(ILogger logger, string reason);
}
