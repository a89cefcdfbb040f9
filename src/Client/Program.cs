using System.CommandLine;
using Ensemble.Client.Commands;

var root = new RootCommand("Ensemble: train teacher ensembles and distill them into one small student.")
{
    TrainCommand.Create(),
    RunCommand.Create(),
    SiloCommand.Create(),
};

// SIGTERM and Ctrl-C cancel the command's token; a silo then drains (up to its --drain-seconds) before it exits.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(120) });
