using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Ensemble.Silo.Storage.Sqlite;

public sealed partial class SqliteGrainStorage
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "SQLite grain storage {Name} ready on {Path} (schema version {Version})")]
    private static partial void LogInitialized(ILogger logger, string name, string path, int version);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "SQLite grain storage {Name} could not open {Path}")]
    private static partial void LogInitializationFailed(ILogger logger, Exception exception, string name, string path);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Refused to {Operation} state {StateName} of grain {GrainId}: stored ETag {StoredETag}, caller's {CallerETag}")]
    private static partial void LogConflict(ILogger logger, string operation, string stateName, GrainId grainId, string? storedETag, string? callerETag);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Stored state {StateName} of grain {GrainId} in {Path} (version {Version}, {Length} bytes) cannot be deserialized; the row is left as it is")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string stateName, GrainId grainId, string path, long version, int length);
}
