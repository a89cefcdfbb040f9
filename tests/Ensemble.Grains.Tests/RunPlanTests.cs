using Ensemble.Grains.Plan;

namespace Ensemble.Grains.Tests;

public sealed class RunPlanTests
{
    [Fact]
    public void Expand_OrdersEveryTaskAfterItsDependencies()
    {
        var plan = RunPlan.Expand(teachers: 3, specialists: 2, baseline: true);
        Assert.Equal(
            ["teacher/0", "teacher/1", "teacher/2", "cluster", "specialist/0", "specialist/1", "aggregate", "distill", "baseline", "report"],
            plan.Select(t => t.Id));
        var seen = new HashSet<string>();
        foreach (var task in plan)
        {
            Assert.All(task.DependsOn, d => Assert.Contains(d, seen));
            seen.Add(task.Id);
        }

        Assert.Equal(["cluster"], plan.Single(t => t.Id == "specialist/1").DependsOn);
        Assert.Contains("baseline", plan.Single(t => t.Id == "report").DependsOn);
    }

    [Fact]
    public void Expand_WithoutSpecialistsOrBaseline_HasNeitherClusterNorBaseline()
    {
        var plan = RunPlan.Expand(teachers: 1, specialists: 0, baseline: false);
        Assert.Equal(["teacher/0", "aggregate", "distill", "report"], plan.Select(t => t.Id));
        Assert.Equal(["teacher/0"], plan.Single(t => t.Id == "aggregate").DependsOn);
    }

    [Fact]
    public void Expand_WithCompression_RunsCompressAfterDistill_AndTheReportWaitsForIt()
    {
        var plan = RunPlan.Expand(teachers: 1, specialists: 0, baseline: true, compress: true);
        Assert.Equal(["teacher/0", "aggregate", "distill", "compress", "baseline", "report"], plan.Select(t => t.Id));
        Assert.Equal(["distill"], plan.Single(t => t.Id == "compress").DependsOn);
        Assert.Equal(["teacher/0", "distill", "compress", "baseline"], plan.Single(t => t.Id == "report").DependsOn);
    }
}
