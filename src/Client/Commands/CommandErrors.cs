using System.Data.Common;
using Ensemble.Client.Remote;
using Ensemble.Contracts.Specs;
using System.Runtime.InteropServices;
using Ensemble.Distillation.Runtime;

namespace Ensemble.Client.Commands;

/// <summary>Turns what a command throws into a message on stderr (every problem, for specs) and its exit code.</summary>
internal static class CommandErrors
{
    /// <summary>Runs <paramref name="body"/>, mapping what it throws to an exit code (see <see cref="ExitCodes"/>).</summary>
    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (ExitCodeOf(e) is { } code)
        {
            return code;
        }
    }

    /// <summary>The asynchronous <see cref="Guard"/>.</summary>
    public static async Task<int> GuardAsync(Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception e) when (ExitCodeOf(e) is { } code)
        {
            return code;
        }
    }

    /// <summary>Writes the message for <paramref name="e"/> and returns its exit code; null for a bug (let it surface).</summary>
    private static int? ExitCodeOf(Exception e)
    {
        switch (e)
        {
            case OperationCanceledException:
                Console.Error.WriteLine("interrupted");
                return ExitCodes.Interrupted;
            case SiloUnreachableException:
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.Unreachable;
            case SiloAuthenticationException:
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.Unauthorized;
            case RunSpecException or RunRequestException or ArgumentException or FormatException or FileNotFoundException or DirectoryNotFoundException
                or InvalidDataException or UnauthorizedAccessException:
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            case DbException:
                Console.Error.WriteLine($"error: cluster store: {e.Message}");
                return ExitCodes.Unreachable;
            // libtorch's own errors reach .NET as ExternalException.
            case TorchLoadException or ExternalException or IOException:
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.Failed;
            default:
                return null;
        }
    }
}
