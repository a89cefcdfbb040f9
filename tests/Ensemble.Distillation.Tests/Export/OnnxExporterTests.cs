using Ensemble.Distillation.Data;
using Ensemble.Distillation.Export;
using Ensemble.Distillation.Models;
using Ensemble.Distillation.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Export;

/// <summary>
/// Briefly trained networks exported to ONNX and run on real Fashion-MNIST test images by two runtimes we did not
/// write, OpenCV's DNN module and ONNX Runtime: their logits must be TorchSharp's (libtorch's).
/// </summary>
public sealed class OnnxExporterTests(OnnxExporterTests.FashionMnist data, ITestOutputHelper output)
    : IClassFixture<OnnxExporterTests.FashionMnist>, IDisposable
{
    private const int Examples = 32;
    private const double Tolerance = 1e-4;
    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-onnx-").FullName;

    /// <summary>Fashion-MNIST, loaded once for the class: 1024 training images and the first 32 test images.</summary>
    public sealed class FashionMnist
    {
        /// <summary>Loads the installed dataset.</summary>
        public FashionMnist()
        {
            var (train, test) = DatasetCatalog.Load("fashion-mnist");
            Train = train.Take(1024);
            Test = test.Take(Examples);
        }

        /// <summary>What the networks are trained on.</summary>
        public Dataset Train { get; }

        /// <summary>What both runtimes are fed.</summary>
        public Dataset Test { get; }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Runs an ONNX file on examples and returns the runtime's version and its logits per example.</summary>
    private delegate (string Version, double[][] Logits) OnnxRunner(string modelPath, float[] examples, int count, int[] exampleShape);

    private static readonly ModelSpec s_mlp = ModelSpec.DefaultMlp with { Hidden = [64, 32], Dropout = 0.2 };
    private static readonly ModelSpec s_cnn = ModelSpec.DefaultCnn with { Channels = [8, 16], FcHidden = 32 };

    [Fact]
    public void Mlp_RunByOpenCv_GivesLibtorchsLogitsOnRealTestImages()
    {
        using var model = Train(s_mlp);

        var maxDiff = Compare(model, s_mlp, "mlp", "OpenCV", OpenCvOnnx.Run);

        Assert.True(maxDiff < Tolerance, $"max |OpenCV − libtorch| = {maxDiff:E2}");
    }

    [Fact]
    public void Cnn_WithTrainedBatchNormStatistics_RunByOpenCv_GivesLibtorchsLogitsOnRealTestImages()
    {
        using var model = Train(s_cnn);
        AssertBatchNormStatisticsMoved(model);

        var maxDiff = Compare(model, s_cnn, "cnn", "OpenCV", OpenCvOnnx.Run);

        Assert.True(maxDiff < Tolerance, $"max |OpenCV − libtorch| = {maxDiff:E2}");
    }

    [Fact]
    public void Mlp_RunByOnnxRuntime_GivesTorchSharpsLogitsOnRealTestImages()
    {
        using var model = Train(s_mlp);

        var maxDiff = Compare(model, s_mlp, "mlp", "ONNX Runtime", OnnxRuntimeOnnx.Run);

        Assert.True(maxDiff < Tolerance, $"max |ONNX Runtime − TorchSharp| = {maxDiff:E2}");
    }

    [Fact]
    public void Cnn_WithTrainedBatchNormStatistics_RunByOnnxRuntime_GivesTorchSharpsLogitsOnRealTestImages()
    {
        using var model = Train(s_cnn);
        AssertBatchNormStatisticsMoved(model);

        var maxDiff = Compare(model, s_cnn, "cnn", "ONNX Runtime", OnnxRuntimeOnnx.Run);

        Assert.True(maxDiff < Tolerance, $"max |ONNX Runtime − TorchSharp| = {maxDiff:E2}");
    }

    /// <summary>
    /// After 48 steps with momentum 0.1 the running statistics have moved well away from their start (0 and 1), so an
    /// export that ignored them, or used the batch's, would be caught.
    /// </summary>
    private static void AssertBatchNormStatisticsMoved(nn.Module<Tensor, Tensor> model)
    {
        var state = model.state_dict();
        foreach (var norm in new[] { "features.1", "features.5" })
        {
            var mean = Floats(state[$"{norm}.running_mean"]);
            var variance = Floats(state[$"{norm}.running_var"]);
            Assert.True(mean.Max(Math.Abs) > 0.05, $"{norm}.running_mean is still ≈ 0: [{string.Join(", ", mean)}]");
            Assert.True(variance.Max(v => Math.Abs(v - 1)) > 0.05, $"{norm}.running_var is still ≈ 1: [{string.Join(", ", variance)}]");
        }
    }

    [Fact]
    public void ExportedFile_StartsWithIrVersionAndProducer_AndEndsWithTheOpset13Import()
    {
        var spec = ModelSpec.DefaultMlp with { Hidden = [4] };
        using var model = ModelFactory.Create(spec, [3], 2);
        using var stream = new MemoryStream();

        OnnxExporter.Export(model, spec, [3], 2, stream);

        var bytes = stream.ToArray();
        // ir_version (field 1, varint) = 7: 08 07; producer_name (field 2, length-delimited): 12 08 "ensemble".
        Assert.Equal([0x08, 0x07, 0x12, 0x08, .. "ensemble"u8], bytes[..12]);
        // opset_import (field 8, length-delimited: 0x42), 4 bytes: domain "" (0A 00), version 13 (10 0D).
        Assert.Equal([0x42, 0x04, 0x0A, 0x00, 0x10, 0x0D], bytes[^6..]);
        // Every weight travels as raw little-endian float32 bytes, exactly as the state dict holds it.
        foreach (var (name, value) in model.state_dict())
        {
            var raw = System.Runtime.InteropServices.MemoryMarshal.AsBytes(Floats(value).AsSpan()).ToArray();
            Assert.True(bytes.AsSpan().IndexOf(raw) > 0, $"the raw bytes of '{name}' are not in the file");
        }
    }

    [Fact]
    public void ModelOfAnotherKindThanTheSpec_IsRejectedNamingBoth()
    {
        using var mlp = ModelFactory.Create(ModelSpec.DefaultMlp with { Hidden = [4] }, [1, 4, 4], 2);
        using var sequential = nn.Sequential(nn.Linear(16, 2));

        var wrongKind = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(mlp, ModelSpec.DefaultCnn, [1, 4, 4], 2, Stream.Null));
        var unsupported = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(sequential, ModelSpec.DefaultMlp, [1, 4, 4], 2, Stream.Null));

        Assert.Equal("spec.kind is Cnn, so the model must be a Cnn, not a Mlp (ONNX export knows Mlp and Cnn) (Parameter 'model')", wrongKind.Message);
        Assert.Equal("spec.kind is Mlp, so the model must be a Mlp, not a Sequential (ONNX export knows Mlp and Cnn) (Parameter 'model')", unsupported.Message);
    }

    [Fact]
    public void WeightsOfAnotherShapeThanTheSpecImplies_AreRejectedNamingTheTensorAndBothShapes()
    {
        var spec = ModelSpec.DefaultMlp with { Hidden = [8] };
        using var model = ModelFactory.Create(spec, [1, 4, 4], 3);

        var wrongShape = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(model, spec, [1, 5, 5], 3, Stream.Null));
        var extraLayer = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(model, spec with { Hidden = [] }, [1, 4, 4], 3, Stream.Null));

        Assert.Equal("the model's 'layers.0.weight' has shape [8, 16], mlp 25-8-3 on examples [1, 5, 5] needs [8, 25] (Parameter 'model')", wrongShape.Message);
        Assert.Equal("the model's 'layers.0.weight' has shape [8, 16], mlp 16-3 on examples [1, 4, 4] needs [3, 16] (Parameter 'model')", extraLayer.Message);
    }

    [Fact]
    public void CnnSpecWithMorePoolingThanTheImageAllows_IsRejected()
    {
        // Built for 4×4 images (4 → 2 → 1), exported for 2×2 ones (2 → 1 → 0): the conv weights fit, the pooling does not.
        var spec = ModelSpec.DefaultCnn with { Channels = [2, 2], FcHidden = 4 };
        using var model = ModelFactory.Create(spec, [1, 4, 4], 2);

        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(model, spec, [1, 2, 2], 2, Stream.Null));

        Assert.Equal("2 pooling blocks shrink a 2×2 image to nothing (Parameter 'exampleShape')", e.Message);
    }

    /// <summary>48 steps of SGD (3 epochs of batch 64) on 1024 real training images, then evaluation mode.</summary>
    private nn.Module<Tensor, Tensor> Train(ModelSpec spec)
    {
        var trainer = new Trainer(spec, new TrainingOptions { Epochs = 3, BatchSize = 64, LearningRate = 0.05, Seed = 5, EvaluateEachEpoch = false });
        var model = trainer.CreateModel(data.Train);
        using var train = new DatasetTensors(data.Train);
        trainer.Fit(model, train, test: null);
        model.eval();
        return model;
    }

    /// <summary>
    /// Exports <paramref name="model"/>, runs the file in <paramref name="runtime"/> on the 32 test images one by one,
    /// checks that every image gets the same class, and returns the largest logit difference.
    /// </summary>
    private double Compare(nn.Module<Tensor, Tensor> model, ModelSpec spec, string name, string runtime, OnnxRunner run)
    {
        var test = data.Test;
        var path = Path.Combine(_directory, $"{name}.onnx");
        using (var file = File.Create(path))
        {
            OnnxExporter.Export(model, spec, test.ExampleShape, test.ClassCount, file);
        }

        var (version, other) = run(path, test.Features, test.Count, test.ExampleShape);
        double[][] expected;
        using (var noGrad = no_grad())
        using (var input = tensor(test.Features, [test.Count, .. test.ExampleShape.Select(s => (long)s)]))
        using (var logits = model.call(input))
        {
            expected = Floats(logits).Chunk(test.ClassCount).Select(row => row.Select(v => (double)v).ToArray()).ToArray();
        }

        Assert.Equal(test.Count, other.Length);
        var maxDiff = 0.0;
        var correct = 0;
        for (var i = 0; i < test.Count; i++)
        {
            Assert.Equal(test.ClassCount, other[i].Length);
            maxDiff = Math.Max(maxDiff, other[i].Zip(expected[i], (a, b) => Math.Abs(a - b)).Max());
            var predicted = ArgMax(expected[i]);
            Assert.Equal(predicted, ArgMax(other[i]));
            if (predicted == test.Labels[i]) correct++;
        }

        output.WriteLine($"{name}: {runtime} {version}, {new FileInfo(path).Length} bytes, max |{runtime} − TorchSharp| = {maxDiff:E2} over {test.Count}×{test.ClassCount} logits, {correct}/{test.Count} correct");
        // Briefly trained, not random: the comparison is on logits that mean something.
        Assert.True(correct >= test.Count / 2, $"{name} got only {correct}/{test.Count} right after training");
        return maxDiff;
    }

    private static int ArgMax(double[] values) => Array.IndexOf(values, values.Max());

    private static float[] Floats(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.cpu().contiguous().data<float>().ToArray();
    }
}
