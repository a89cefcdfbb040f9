using Ensemble.Distillation.Specialists;

namespace Ensemble.Distillation.Tests.Specialists;

public sealed class DustbinLabelsTests
{
    [Fact]
    public void Map_GivesPositionsInTheClassSet_AndTheDustbinForTheRest()
    {
        // Classes [2, 5]: 2 → 0, 5 → 1, anything else → 2 (the dustbin).
        Assert.Equal([1, 2, 0, 2, 1, 2], DustbinLabels.Map([5, 0, 2, 3, 5, 7], [2, 5]));
    }

    [Fact]
    public void InvalidArguments_AreNamed()
    {
        Assert.Equal("classes", Assert.Throws<ArgumentException>(() => DustbinLabels.Map([0], [3, 3])).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => DustbinLabels.Map([0, -1], [3])).ParamName);
    }
}
