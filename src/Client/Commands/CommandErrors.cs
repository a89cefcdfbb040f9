using Ensemble.Contracts.Specs;
using Ensemble.Torch;

namespace Ensemble.Client.Commands;

/// <summary>Turns what a command throws into one line on stderr (every problem, for specs) and its exit code.</summary>
internal static class CommandErrors
{
    /// <summary>Runs <paramref name="body"/>, mapping bad input to <see cref="ExitCodes.BadInput"/>, failures to <see cref="ExitCodes.Failed"/>.</summary>
    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted");
            return ExitCodes.Cancelled;
        }
        catch (RunSpecException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or FileNotFoundException or DirectoryNotFoundException
                                      or InvalidDataException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is TorchException or IOException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failed;
        }
    }
}
