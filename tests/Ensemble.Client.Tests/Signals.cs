using System.Runtime.InteropServices;

namespace Ensemble.Client.Tests;

/// <summary>Sends POSIX signals to child processes, as a terminal's Ctrl-C would.</summary>
internal static partial class Signals
{
    public const int Interrupt = 2;

    public static void Send(int pid, int signal)
    {
        if (SendSignal(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
