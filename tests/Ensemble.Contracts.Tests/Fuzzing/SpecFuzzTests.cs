using System.Diagnostics;
using System.Text;
using Ensemble.Contracts.Specs;
using Ensemble.Contracts.Tests.Specs;
using Ensemble.Fuzzing;

namespace Ensemble.Contracts.Tests.Fuzzing;

/// <summary>
/// Seeded mutations of valid specs, YAML and JSON: every case must end in a valid spec or a <see cref="RunSpecException"/>
/// whose every problem has a message (and a position when it is a syntax error), never another exception, a crash or a hang.
/// Bounded by a count and a time budget, so the suite stays fast; <c>bench/fuzz</c> runs the same for longer.
/// </summary>
public sealed class SpecFuzzTests
{
    private const int Cases = 3_000;
    private static readonly TimeSpan _budget = TimeSpan.FromSeconds(3);

    /// <summary>Mutated YAML specs end in a spec or named problems.</summary>
    [Fact]
    public Task Parse_MutatedYamlSpecs_GiveASpecOrNamedProblems() =>
        RunAsync(SpecTexts.CustomYaml, RunSpecReader.Yaml, InputMutator.YamlTokens, seed: 12);

    /// <summary>Mutated JSON specs end in a spec or named problems.</summary>
    [Fact]
    public Task Parse_MutatedJsonSpecs_GiveASpecOrNamedProblems() =>
        RunAsync(SpecTexts.CustomJson, RunSpecReader.Json, InputMutator.JsonTokens, seed: 12);

    private static async Task RunAsync(string valid, string format, IReadOnlyList<string> tokens, int seed)
    {
        var mutator = new InputMutator(tokens);
        byte[] input = Encoding.UTF8.GetBytes(valid);
        // On a worker thread with a deadline: a case that hangs fails the test instead of stalling the suite.
        var run = Task.Run(() =>
        {
            var clock = Stopwatch.StartNew();
            int tried = 0;
            for (int i = 0; i < Cases && clock.Elapsed < _budget; i++, tried++)
            {
                byte[] bytes = mutator.Mutate(input, seed, i);
                try
                {
                    RunSpecReader.Parse(bytes, format, "fuzz");
                }
                catch (RunSpecException e)
                {
                    Assert.NotEmpty(e.Problems);
                    foreach (var problem in e.Problems)
                    {
                        Assert.False(string.IsNullOrWhiteSpace(problem.Message), $"case {seed}/{i}: a problem without a message");
                        if (problem.Message.StartsWith("syntax error", StringComparison.Ordinal)) Assert.True(problem.Line > 0, $"case {seed}/{i}: {problem} has no line");
                    }
                }
                catch (Exception e)
                {
                    Assert.Fail($"case {seed}/{i} ({format}) threw {e.GetType().Name}: {e.Message}");
                }
            }

            return tried;
        });

        int tried = await run.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(tried >= 100, $"only {tried} cases ran in the budget");
    }
}
