using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Ensemble.Client.Remote;
using Ensemble.Contracts.Api;

namespace Ensemble.Client.Commands;

/// <summary><c>ensemble silos</c>: the silos sharing a cluster's store, alive or not, and what each runs.</summary>
public static class SilosCommand
{
    /// <summary>Builds the command and its options.</summary>
    public static Command Create()
    {
        var cluster = new ClusterConnectionOptions();
        var json = CliOptions.Json();
        var command = new Command("silos", "List the silos of a cluster.") { json };
        cluster.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            await using var client = await cluster.ConnectAsync(parse, cancellationToken).ConfigureAwait(false);
            var silos = await client.ListSilosAsync(cancellationToken).ConfigureAwait(false);
            Console.Write(parse.GetValue(json) ? JsonSerializer.Serialize(silos, ApiJson.Options) + "\n" : Format(silos));
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>One line per silo: id, state, slots, last heartbeat, the tasks it holds.</summary>
    public static string Format(IReadOnlyList<SiloView> silos)
    {
        if (silos.Count == 0) return "no silos\n";
        var culture = CultureInfo.InvariantCulture;
        var width = Math.Max(2, silos.Max(s => s.Id.Length));
        var text = new StringBuilder();
        text.AppendLine(culture, $"{"id".PadRight(width)}  {"state",-7}  slots  heartbeat  running");
        foreach (var s in silos)
        {
            var state = s.Alive ? "alive" : s.Stopped ? "stopped" : "lost";
            var running = s.RunningTasks.Count == 0 ? "-" : string.Join(", ", s.RunningTasks);
            text.AppendLine(culture, $"{s.Id.PadRight(width)}  {state,-7}  {s.Slots,5}  {s.HeartbeatAt.ToLocalTime():HH:mm:ss}   {running}");
        }

        return text.ToString();
    }
}
