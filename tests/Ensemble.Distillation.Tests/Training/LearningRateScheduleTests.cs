using Ensemble.Distillation.Training;

namespace Ensemble.Distillation.Tests.Training;

public class LearningRateScheduleTests
{
    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(50, 0.5)]
    [InlineData(25, 0.8535533905932737)] // (1 + cos(π/4)) / 2
    [InlineData(100, 0.0)]
    public void Cosine_FollowsHalfCosineFromBaseToZero(long step, double expectedFraction) =>
        Assert.Equal(0.1 * expectedFraction, LearningRateSchedule.At(ScheduleKind.Cosine, 0.1, step, 100), 12);

    [Fact]
    public void OneCycle_StartsAtBaseOver25_PeaksAt30Percent_EndsAtBaseOver25e4()
    {
        Assert.Equal(0.1 / 25, LearningRateSchedule.At(ScheduleKind.OneCycle, 0.1, 0, 1000), 12);
        Assert.Equal(0.1, LearningRateSchedule.At(ScheduleKind.OneCycle, 0.1, 300, 1000), 12);
        Assert.Equal(0.1 / 25 / 1e4, LearningRateSchedule.At(ScheduleKind.OneCycle, 0.1, 1000, 1000), 12);
        // Half-way through the warm-up: the cosine midpoint between base/25 and base.
        Assert.Equal((0.1 / 25 + 0.1) / 2, LearningRateSchedule.At(ScheduleKind.OneCycle, 0.1, 150, 1000), 12);
    }

    [Fact]
    public void Constant_IgnoresTheStep() =>
        Assert.Equal(0.05, LearningRateSchedule.At(ScheduleKind.Constant, 0.05, 999, 1000));
}
