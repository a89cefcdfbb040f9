using Ensemble.Distillation.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Training;

public sealed class SgdTests
{
    [Theory]
    [InlineData(0.9, 5e-4, false)]
    [InlineData(0.9, 5e-4, true)]
    [InlineData(0.0, 0.0, false)]
    public void Steps_GiveExactlyTorchSharpsSgd_UnderAChangingRate_AndTheStateLoadsIntoIt(double momentum, double weightDecay, bool nesterov)
    {
        using var scope = NewDisposeScope();
        var (ours, theirs) = (Model(), Model());
        using var oursSgd = new Ensemble.Distillation.Training.SGD(ours.parameters(), 0.1, momentum, weightDecay, nesterov);
        using var theirsSgd = optim.SGD(theirs.parameters(), 0.1, momentum, weight_decay: weightDecay, nesterov: nesterov);
        var oursSchedule = optim.lr_scheduler.CosineAnnealingLR(oursSgd, 20);
        var theirsSchedule = optim.lr_scheduler.CosineAnnealingLR(theirsSgd, 20);
        var generator = new Generator(7);
        for (var step = 0; step < 20; step++)
        {
            using var stepScope = NewDisposeScope();
            var x = randn([16, 5], generator: generator);
            var y = randint(0, 3, [16], generator: generator);
            foreach (var (model, optimizer) in new[] { (ours, (optim.Optimizer)oursSgd), (theirs, theirsSgd) })
            {
                model.zero_grad();
                nn.functional.cross_entropy(model.call(x), y).backward();
                optimizer.step();
            }

            oursSchedule.step();
            theirsSchedule.step();
        }

        foreach (var (name, weight) in ours.state_dict())
        {
            Assert.True(weight.eq(theirs.state_dict()[name]).all().item<bool>(), $"{name} differs after 20 steps");
        }

        // Same options, state format and type name as TorchSharp's: a checkpoint of either loads into the other.
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) oursSgd.save_state_dict(writer);
        buffer.Position = 0;
        using var reader = new BinaryReader(buffer);
        theirsSgd.load_state_dict(reader);
        buffer.SetLength(0);
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) theirsSgd.save_state_dict(writer);
        buffer.Position = 0;
        using var back = new BinaryReader(buffer);
        oursSgd.load_state_dict(back);
    }

    private static nn.Module<Tensor, Tensor> Model()
    {
        manual_seed(3);
        return nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3));
    }
}
