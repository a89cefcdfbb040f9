using System.Threading.Channels;
using Ensemble.Contracts.Api;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Ensemble.Client.Progress;

/// <summary>One live bar per task on a terminal (epoch, loss, samples/s, ETA), redrawn on each event and every second.</summary>
public sealed class LiveRunView(IAnsiConsole console) : IRunView
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    /// <inheritdoc/>
    public async Task FollowAsync(RunProgress progress, IAsyncEnumerable<RunEventView> events, CancellationToken cancellationToken)
    {
        var pending = Channel.CreateUnbounded<RunEventView>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in events.WithCancellation(cancellationToken).ConfigureAwait(false)) await pending.Writer.WriteAsync(e, cancellationToken).ConfigureAwait(false);
                pending.Writer.Complete();
            }
            catch (Exception e)
            {
                pending.Writer.Complete(e);
            }
        }, cancellationToken);

        await console.Live(Render(progress)).AutoClear(false).StartAsync(async context =>
        {
            while (true)
            {
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                tick.CancelAfter(Tick);
                bool more;
                try
                {
                    more = await pending.Reader.WaitToReadAsync(tick.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    more = true; // a tick: redraw so the ETAs count down
                }

                while (pending.Reader.TryRead(out var e)) progress.Apply(e);
                context.UpdateTarget(Render(progress));
                if (!more) break;
            }
        }).ConfigureAwait(false);
        await pump.ConfigureAwait(false);
        await pending.Reader.Completion.ConfigureAwait(false); // rethrows what broke the stream
    }

    /// <inheritdoc/>
    public void Note(string message) => console.MarkupLineInterpolated($"[grey]{DateTime.Now:HH:mm:ss}[/]  {message}");

    private static IRenderable Render(RunProgress progress)
    {
        var now = DateTimeOffset.UtcNow;
        var table = new Table().NoBorder().HideHeaders().AddColumns("task", "bar", "detail");
        table.Title = new TableTitle($"{progress.Name} ({progress.RunId})");
        foreach (var task in progress.Tasks)
        {
            var colour = task.State switch
            {
                "succeeded" => "green",
                "failed" => "red",
                "retrying" => "yellow",
                "running" => "blue",
                _ => "grey",
            };
            table.AddRow(new Markup(Markup.Escape(task.Id)), new Markup($"[{colour}]{TaskLineText.Bar(task)}[/]"),
                new Markup(Markup.Escape(TaskLineText.Detail(task, now))));
        }

        return table;
    }
}
