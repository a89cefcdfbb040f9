using Ensemble.Distillation.Compression;
using Ensemble.Distillation.Data;
using Ensemble.Distillation.Export;
using Ensemble.Distillation.Models;
using Ensemble.Distillation.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Compression;

/// <summary>
/// Networks trained briefly on real Fashion-MNIST images, quantized to int8 after calibration and run by ONNX Runtime
/// with its integer kernels: the int8 file must be about a quarter of the float one and classify nearly as well.
/// </summary>
public sealed class Int8ExportTests(Int8ExportTests.FashionMnist data, ITestOutputHelper output) : IClassFixture<Int8ExportTests.FashionMnist>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-int8-").FullName;

    /// <summary>Fashion-MNIST, loaded once: 3,000 training images and 1,000 test images.</summary>
    public sealed class FashionMnist
    {
        /// <summary>Loads the installed dataset.</summary>
        public FashionMnist()
        {
            var (train, test) = DatasetCatalog.Load("fashion-mnist");
            Train = train.Take(3000);
            Test = test.Take(1000);
        }

        /// <summary>What the networks are trained on; its first 256 images calibrate.</summary>
        public Dataset Train { get; }

        /// <summary>What the exported files are scored on.</summary>
        public Dataset Test { get; }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Mlp_QuantizedToInt8_IsAQuarterOfTheBytes_AndWithinAPointOfTheFloatAccuracy()
    {
        var spec = ModelSpec.DefaultMlp with { Hidden = [300], Dropout = 0 };
        var (floatAccuracy, int8Accuracy, floatBytes, int8Bytes) = Compare(spec, "mlp");

        Assert.True(int8Bytes <= 0.27 * floatBytes, $"int8 {int8Bytes} bytes vs float {floatBytes}");
        Assert.True(floatAccuracy > 0.75, $"float accuracy {floatAccuracy:P1}: the network did not learn");
        Assert.True(Math.Abs(floatAccuracy - int8Accuracy) <= 0.01, $"float {floatAccuracy:P1}, int8 {int8Accuracy:P1}");
    }

    [Fact]
    public void Cnn_WithBatchNormFoldedAndQuantizedToInt8_IsWithinAPointOfTheFloatAccuracy()
    {
        var spec = ModelSpec.DefaultCnn with { Channels = [8, 16], FcHidden = 32 };
        var (floatAccuracy, int8Accuracy, floatBytes, int8Bytes) = Compare(spec, "cnn");

        Assert.True(int8Bytes <= 0.35 * floatBytes, $"int8 {int8Bytes} bytes vs float {floatBytes}");
        Assert.True(floatAccuracy > 0.70, $"float accuracy {floatAccuracy:P1}: the network did not learn");
        Assert.True(Math.Abs(floatAccuracy - int8Accuracy) <= 0.01, $"float {floatAccuracy:P1}, int8 {int8Accuracy:P1}");
    }

    [Fact]
    public void LayerWithoutCalibration_IsRefusedNamingIt()
    {
        var spec = ModelSpec.DefaultMlp with { Hidden = [4] };
        using var model = ModelFactory.Create(spec, [3], 2);
        var inputs = new Dictionary<string, AffineQuantization> { ["layers.0"] = new(0.1f, 0) };

        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.ExportInt8(model, spec, [3], 2, inputs, Stream.Null));

        Assert.Equal("no calibrated quantization for 'layers.3' (have layers.0) (Parameter 'inputs')", e.Message);
    }

    [Fact]
    public void Calibration_ObservesEveryLayersInput_AndALayerFedByAReluSharesItsQuantization()
    {
        var spec = ModelSpec.DefaultMlp with { Hidden = [4], Dropout = 0.5 };
        using var model = ModelFactory.Create(spec, [3], 2);
        using var examples = tensor(new[] { -2f, 0.5f, 1f, 3f, -1f, 0f }, [2, 3]);

        var inputs = ActivationCalibration.Observe(model, examples, [3]);

        Assert.Equal(["layers.0", "layers.1", "layers.3"], inputs.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(AffineQuantization.FromRange(-2f, 3f), inputs["layers.0"]);
        // layers.3 reads the ReLU's output through dropout (the identity in evaluation mode).
        Assert.Equal(inputs["layers.1"], inputs["layers.3"]);
        Assert.Equal(0, inputs["layers.1"].ZeroPoint);
        Assert.True(model.training, "calibration left the model in evaluation mode");
    }

    private (double Float, double Int8, long FloatBytes, long Int8Bytes) Compare(ModelSpec spec, string name)
    {
        var trainer = new Trainer(spec, new TrainingOptions { Epochs = 3, BatchSize = 64, LearningRate = 0.05, Seed = 3, EvaluateEachEpoch = false });
        using var model = trainer.CreateModel(data.Train);
        using (var train = new DatasetTensors(data.Train))
        {
            trainer.Fit(model, train, test: null);
        }

        model.eval();
        var floatPath = Path.Combine(_directory, $"{name}.onnx");
        var int8Path = Path.Combine(_directory, $"{name}-int8.onnx");
        using (var file = File.Create(floatPath)) OnnxExporter.Export(model, spec, data.Test.ExampleShape, data.Test.ClassCount, file);
        using (var calibration = new DatasetTensors(data.Train.Take(256)))
        {
            var inputs = ActivationCalibration.Observe(model, calibration.Features, data.Train.ExampleShape);
            using var file = File.Create(int8Path);
            OnnxExporter.ExportInt8(model, spec, data.Test.ExampleShape, data.Test.ClassCount, inputs, file);
        }

        using var floatModel = new OnnxRuntimeModel(floatPath);
        using var int8Model = new OnnxRuntimeModel(int8Path);
        var floatAccuracy = Accuracy(floatModel.Logits(data.Test));
        var int8Accuracy = Accuracy(int8Model.Logits(data.Test));
        var timing = TimeSpan.FromMilliseconds(100);
        output.WriteLine(string.Join(Environment.NewLine, new[] { ("float", floatModel, floatPath, floatAccuracy), ("int8", int8Model, int8Path, int8Accuracy) }
            .Select(m => $"{name} {m.Item1}: {new FileInfo(m.Item3).Length} bytes, accuracy {m.Item4:P2}, " +
                $"{m.Item2.SecondsPerExample(data.Test, 1, timing) * 1e6:F1} µs/image at batch 1, {m.Item2.SecondsPerExample(data.Test, 64, timing) * 1e6:F1} at batch 64 (ONNX Runtime {OnnxRuntimeModel.Version}, 1 thread)")));
        return (floatAccuracy, int8Accuracy, new FileInfo(floatPath).Length, new FileInfo(int8Path).Length);
    }

    private double Accuracy(float[] logits) =>
        logits.Chunk(data.Test.ClassCount).Select((row, i) => Array.IndexOf(row, row.Max()) == data.Test.Labels[i] ? 1.0 : 0.0).Average();
}
