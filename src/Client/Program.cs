using System.CommandLine;
using Ensemble.Client.Commands;

var root = new RootCommand("Ensemble: train teacher ensembles and distill them into one small student.")
{
    RunCommand.Create(),
    SubmitCommand.Create(),
    WatchCommand.Create(),
    StatusCommand.Create(),
    CancelCommand.Create(),
    PullCommand.Create(),
    SilosCommand.Create(),
    EvalCommand.Create(),
    TrainCommand.Create(),
    SiloCommand.Create(),
};

// SIGTERM and Ctrl-C cancel the command's token; a silo then drains (up to its --drain-seconds) before it exits.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(120) });
