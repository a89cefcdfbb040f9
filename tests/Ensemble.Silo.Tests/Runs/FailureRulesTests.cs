using Ensemble.Grains.Runs;

namespace Ensemble.Silo.Tests.Runs;

public sealed class FailureRulesTests
{
    [Theory]
    [InlineData(1, 3, true)]
    [InlineData(2, 3, true)]
    [InlineData(3, 3, false)]
    [InlineData(1, 1, false)]
    public void Attempts_are_retried_until_the_last(int attempt, int maxAttempts, bool retry) =>
        Assert.Equal(retry, FailureRules.WillRetry(attempt, maxAttempts));

    [Theory]
    [InlineData("teacher", 2, 2, true)]   // 3 teachers, quorum 2, one failed: 2 left
    [InlineData("teacher", 1, 2, false)]  // a second failure: 1 left, below the quorum
    [InlineData("teacher", 0, 0, false)]  // a quorum of 0 still needs one teacher
    [InlineData("teacher", 1, 0, true)]
    [InlineData("specialist", 5, 1, false)] // only teachers have a quorum
    public void Only_a_teacher_above_the_quorum_is_excused(string kind, int teachersNotFailed, int teachersMin, bool excused) =>
        Assert.Equal(excused, FailureRules.IsExcused(kind, teachersNotFailed, teachersMin));
}
