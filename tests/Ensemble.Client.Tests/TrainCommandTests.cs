using System.Text.Json;
using Ensemble.Distillation.Serialization;
using TorchSharp;

namespace Ensemble.Client.Tests;

public sealed class TrainCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Train_Json_PrintsOneObjectPerEpoch_AndWritesAModelThatEvalScoresTheSame()
    {
        var weights = Path.Combine(_directory, "mlp.safetensors");
        var (code, stdout, stderr) = CliProcess.Run("train", "--model", "mlp", "--hidden", "64", "--epochs", "2", "--subset", "2000",
            "--test-subset", "1000", "--threads", "2", "--json", "--out", weights);

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        for (var i = 0; i < 2; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            var root = doc.RootElement;
            Assert.Equal(i + 1, root.GetProperty("epoch").GetInt32());
            Assert.InRange(root.GetProperty("loss").GetDouble(), 0.01, 3.0);
            Assert.True(root.GetProperty("samples_per_second").GetDouble() > 0);
            // 10 classes: a network that learned nothing sits near 0.10.
            Assert.InRange(root.GetProperty("test_accuracy").GetDouble(), 0.6, 1.0);
        }

        using (var file = SafeTensors.Load(weights))
        {
            Assert.Equal([64L, 784L], file.Tensors["layers.0.weight"].shape);
            Assert.Equal([10L, 64L], file.Tensors["layers.3.weight"].shape);
            Assert.Equal("10", file.Metadata["classes"]);
        }

        // ensemble eval rebuilds the network from the file alone and scores the same 1000 test images identically.
        var trained = JsonDocument.Parse(lines[^1]).RootElement.GetProperty("test_accuracy").GetDouble();
        var eval = CliProcess.Run("eval", weights, "--data", "fashion-mnist", "--subset", "1000", "--json");
        Assert.True(eval.ExitCode == 0, eval.StdErr);
        using var scored = JsonDocument.Parse(eval.StdOut);
        Assert.Equal(trained, scored.RootElement.GetProperty("accuracy").GetDouble(), 6);
        Assert.Equal(1000, scored.RootElement.GetProperty("examples").GetInt32());
    }

    [Fact]
    public void Train_Banner_SaysWhatComputes()
    {
        var (code, stdout, stderr) = CliProcess.Run("train", "--model", "mlp", "--hidden", "16", "--epochs", "1", "--subset", "256",
            "--test-subset", "100", "--threads", "2");

        Assert.True(code == 0, stderr);
        var banner = stdout.Split('\n')[0];
        Assert.StartsWith("mlp 784-16-10: 12,730 parameters; 256 training and 100 test examples of fashion-mnist; ", banner, StringComparison.Ordinal);
        Assert.EndsWith("TorchSharp 0.107.0, libtorch 2.10.0, 2 threads, cpu", banner, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_WithoutItsLibtorch_FailsInOneLineNamingTheFile()
    {
        var missing = Path.Combine(_directory, "no-torch");
        var (code, stdout, stderr) = CliProcess.Run(new Dictionary<string, string?> { ["ENSEMBLE_LIBTORCH"] = missing },
            "train", "--model", "mlp", "--epochs", "1", "--subset", "100");

        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal($"error: {Path.Combine(missing, "libtorch.so")}: not found (expected from ENSEMBLE_LIBTORCH={missing})", stderr.Trim());
    }

    [Fact]
    public void Eval_Errors_NameTheFileOrOption()
    {
        var missing = CliProcess.Run("eval", Path.Combine(_directory, "none.safetensors"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("MODEL: ", missing.StdErr);
        Assert.Contains("none.safetensors does not exist", missing.StdErr);

        var notAModel = Path.Combine(_directory, "junk.safetensors");
        File.WriteAllText(notAModel, "not a safetensors file");
        var junk = CliProcess.Run("eval", notAModel);
        Assert.Equal(2, junk.ExitCode);
        Assert.Contains("junk.safetensors", junk.StdErr);

        var weights = Path.Combine(_directory, "tiny.safetensors");
        Assert.Equal(0, CliProcess.Run("train", "--hidden", "8", "--epochs", "1", "--subset", "200", "--no-eval", "--test-subset", "100", "--out", weights).ExitCode);
        var noData = CliProcess.Run("eval", weights, "--data", Path.Combine(_directory, "no-such-data"));
        Assert.Equal(2, noData.ExitCode);
        Assert.Contains("--data: ", noData.StdErr);
        Assert.Contains("no-such-data", noData.StdErr);
    }

    [Fact]
    public void Train_MissingDataDirectory_ExitsWithBadInputAndNamesTheDirectory()
    {
        var missing = Path.Combine(_directory, "no-such-data");
        var (code, stdout, stderr) = CliProcess.Run("train", "--data", missing, "--epochs", "1");

        Assert.Equal(2, code);
        Assert.Contains(missing, stderr);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void Train_CorruptIdxFile_ExitsWithBadInputAndNamesTheFile()
    {
        foreach (var name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
        {
            File.WriteAllBytes(Path.Combine(_directory, name), [0, 0, 8, 3, 0, 0]);
        }

        var (code, _, stderr) = CliProcess.Run("train", "--data", _directory, "--epochs", "1");

        Assert.Equal(2, code);
        Assert.Contains("train-images-idx3-ubyte", stderr);
    }

    [Theory]
    [InlineData("--device", "gpu", "'gpu' is not a device")]
    [InlineData("--hidden", "100,x", "--hidden: 'x'")]
    [InlineData("--threads", "0", "--threads: must be ≥ 1")]
    [InlineData("--epochs", "0", "training.epochs: must be ≥ 1")]
    public void Train_BadOption_ExitsWithBadInputAndSaysWhichOption(string option, string value, string expected)
    {
        var (code, _, stderr) = CliProcess.Run("train", option, value, "--subset", "100");

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
    }

    [Fact]
    public void Train_CudaDeviceOnACpuOnlyBuild_ExitsWithBadInputBeforeLoadingData()
    {
        if (torch.cuda.is_available()) return; // the point is the message on CPU-only machines
        var (code, _, stderr) = CliProcess.Run("train", "--device", "cuda:0", "--subset", "100");

        Assert.Equal(2, code);
        Assert.Contains("cuda:0 is not available", stderr);
    }

    [Fact]
    public void Train_OutputInAMissingDirectory_FailsBeforeTraining()
    {
        var (code, stdout, stderr) = CliProcess.Run("train", "--out", Path.Combine(_directory, "nope", "w.safetensors"), "--subset", "100");

        Assert.Equal(2, code);
        Assert.Contains("--out", stderr);
        Assert.DoesNotContain("epoch", stdout);
    }
}
