using System.CommandLine;
using Ensemble.Client.Commands;

var root = new RootCommand("Ensemble: train teacher ensembles and distill them into one small student.")
{
    TrainCommand.Create(),
    RunCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
