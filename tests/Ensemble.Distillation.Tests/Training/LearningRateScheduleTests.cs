using Ensemble.Distillation.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Training;

/// <summary>
/// The learning rates TorchSharp's schedulers give through <see cref="LearningRateSchedule.Create"/>, read from the
/// optimizer after k scheduler steps, against values worked out by hand.
/// </summary>
public sealed class LearningRateScheduleTests
{
    private const double Base = 0.1;

    /// <summary>The learning rate (and SGD momentum) after <paramref name="steps"/> scheduler steps.</summary>
    private static (double Rate, double Momentum) After(ScheduleKind kind, long totalSteps, long steps)
    {
        using var parameter = new Parameter(zeros(2));
        using var optimizer = optim.SGD(new[] { parameter }, Base, momentum: 0.9);
        var schedule = LearningRateSchedule.Create(optimizer, kind, Base, totalSteps);
        for (var k = 0; k < steps; k++) schedule?.step();
        var group = (TorchSharp.Modules.SGD.ParamGroup)optimizer.ParamGroups.First();
        return (group.LearningRate, group.Momentum);
    }

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(50, 0.5)]
    [InlineData(25, 0.8535533905932737)] // (1 + cos(π/4)) / 2
    [InlineData(100, 0.0)]
    public void Cosine_FollowsHalfCosineFromBaseToZero(long step, double expectedFraction) =>
        Assert.Equal(Base * expectedFraction, After(ScheduleKind.Cosine, 100, step).Rate, 12);

    [Fact]
    public void OneCycle_StartsAtBaseOver25_PeaksAt30Percent_EndsAtBaseOver25e4()
    {
        // 1000 rates, steps 0…999: the warm-up ends at step 0.3·1000 − 1 = 299, the last step is 999.
        Assert.Equal(Base / 25, After(ScheduleKind.OneCycle, 999, 0).Rate, 12);
        Assert.Equal(Base, After(ScheduleKind.OneCycle, 999, 299).Rate, 12);
        Assert.Equal(Base / 25 / 1e4, After(ScheduleKind.OneCycle, 999, 999).Rate, 12);
        // Half-way through the warm-up: 30 rates, warm-up ending at 0.3·30 − 1 = 8, so step 4 is the cosine midpoint
        // between base/25 and base.
        Assert.Equal((Base / 25 + Base) / 2, After(ScheduleKind.OneCycle, 29, 4).Rate, 12);
    }

    [Fact]
    public void OneCycle_CyclesTheMomentumInverselyFromMaxToBaseAndBack()
    {
        // PyTorch's defaults: momentum 0.95 at the start, 0.85 at the peak rate, 0.95 again at the end.
        Assert.Equal(0.95, After(ScheduleKind.OneCycle, 999, 0).Momentum, 12);
        Assert.Equal(0.85, After(ScheduleKind.OneCycle, 999, 299).Momentum, 12);
        Assert.Equal(0.95, After(ScheduleKind.OneCycle, 999, 999).Momentum, 12);
    }

    [Fact]
    public void Constant_HasNoScheduler_AndLeavesTheRate()
    {
        using var parameter = new Parameter(zeros(2));
        using var optimizer = optim.SGD(new[] { parameter }, 0.05);
        Assert.Null(LearningRateSchedule.Create(optimizer, ScheduleKind.Constant, 0.05, 1000));
        Assert.Equal(0.05, optimizer.ParamGroups.First().LearningRate);
    }
}
