using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Ensemble.Distillation.Tests.Export;

/// <summary>
/// Runs an ONNX file in OpenCV's DNN module (Debian's <c>python3-opencv</c>), a runtime we did not write, one example
/// at a time, and returns its logits.
/// </summary>
internal static class OpenCvOnnx
{
    private const string Python = "/usr/bin/python3";
    private const int MissingOpenCv = 3;

    private const string Script = """
        import json, sys
        try:
            import cv2
            import numpy as np
        except ImportError as e:
            print(e)
            sys.exit(3)
        model, inputs, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
        shape = [int(s) for s in sys.argv[4].split(",")]
        net = cv2.dnn.readNetFromONNX(model)
        examples = np.fromfile(inputs, dtype="<f4").reshape([count] + shape)
        logits = []
        for i in range(count):
            net.setInput(np.ascontiguousarray(examples[i:i + 1]), "input")
            logits.append([float(v) for v in net.forward("logits").reshape(-1)])
        print(json.dumps({"version": cv2.__version__, "logits": logits}))
        """;

    /// <summary>The OpenCV version and the logits of each of the <paramref name="count"/> examples in <paramref name="examples"/>.</summary>
    public static (string Version, double[][] Logits) Run(string modelPath, float[] examples, int count, int[] exampleShape)
    {
        if (!File.Exists(Python))
        {
            Assert.Fail($"{Python} not found: install the Debian packages python3 and python3-opencv (scripts/debian-packages-test.txt) to check the ONNX export");
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        var script = Path.Combine(directory, "run_onnx.py");
        var inputs = Path.Combine(directory, "inputs.f32");
        File.WriteAllText(script, Script);
        File.WriteAllBytes(inputs, System.Runtime.InteropServices.MemoryMarshal.AsBytes(examples.AsSpan()).ToArray());

        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { script, modelPath, inputs, count.ToString(CultureInfo.InvariantCulture), string.Join(",", exampleShape) })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            Assert.Fail("OpenCV did not finish within 60 s");
        }

        if (process.ExitCode == MissingOpenCv)
        {
            Assert.Fail($"OpenCV for Python is missing ({stdout.Trim()}): install the Debian package python3-opencv (scripts/debian-packages-test.txt) to check the ONNX export");
        }

        Assert.True(process.ExitCode == 0, $"OpenCV could not run {modelPath} (exit {process.ExitCode}): {stderr.Result}");
        using var json = JsonDocument.Parse(stdout);
        var logits = json.RootElement.GetProperty("logits").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        return (json.RootElement.GetProperty("version").GetString()!, logits);
    }
}
