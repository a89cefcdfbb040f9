using Ensemble.Grains.Artifacts;

namespace Ensemble.Silo.Tests.Artifacts;

/// <summary>The rules an artifact name follows, so that it never leaves its run.</summary>
public sealed class ArtifactNamesTests
{
    [Theory]
    [InlineData("student.safetensors")]
    [InlineData("tasks/teacher-0/outputs.safetensors")]
    public void Accepts_relative_plain_paths(string name) => Assert.Null(ArtifactNames.Problem(name));

    [Theory]
    [InlineData("../secret", "has a '..' segment")]
    [InlineData("tasks/../../etc/passwd", "has a '..' segment")]
    [InlineData("/etc/passwd", "is absolute (it must be relative to the run)")]
    [InlineData("tasks\\x", "contains a backslash (use '/')")]
    [InlineData("a//b", "has an empty segment")]
    [InlineData("", "is empty")]
    [InlineData("c:x", "contains a control character or ':'")]
    public void Refuses_names_that_could_leave_the_run(string name, string problem) => Assert.Equal(problem, ArtifactNames.Problem(name));
}
