namespace Ensemble.Grains.Artifacts;

/// <summary>
/// Where each task's inputs and outputs live under a run's directory. Tasks talk to each other only through
/// these files, so the same tasks can run in one process or on different machines sharing a volume.
/// </summary>
/// <param name="Root">The run's directory.</param>
public sealed record ArtifactLayout(string Root)
{
    /// <summary>The canonical spec the run was started with.</summary>
    public string Spec => Path.Combine(Root, "spec.json");

    /// <summary>The directory of a task, e.g. <c>teachers/0</c> for <c>teacher/0</c>.</summary>
    public string TaskDirectory(string taskId) => Path.Combine(Root, "tasks", taskId.Replace('/', '-'));

    /// <summary>The record a task writes last, when all its outputs are durable; its presence means done.</summary>
    public string Result(string taskId) => Path.Combine(TaskDirectory(taskId), "result.json");

    /// <summary>A teacher's or student's weights.</summary>
    public string Model(string taskId, string name = "model") => Path.Combine(TaskDirectory(taskId), $"{name}.safetensors");

    /// <summary>Logits (or distributions) a task computed: <c>transfer/V</c>, <c>validation</c>, <c>test</c>, ….</summary>
    public string Outputs(string taskId, string name = "outputs") => Path.Combine(TaskDirectory(taskId), $"{name}.safetensors");

    /// <summary>A teacher's per-epoch checkpoints.</summary>
    public string Checkpoints(string taskId, string name = "checkpoints") => Path.Combine(TaskDirectory(taskId), name);

    /// <summary>The class sets the cluster task fixed.</summary>
    public string Clusters => Path.Combine(TaskDirectory("cluster"), "clusters.json");

    /// <summary>The student to deploy.</summary>
    public string Student => Path.Combine(Root, "student.safetensors");

    /// <summary>The same student as an ONNX model (opset 13), for runtimes without libtorch.</summary>
    public string StudentOnnx => Path.Combine(Root, "student.onnx");

    /// <summary>A compressed student delivered beside <see cref="Student"/>, e.g. <c>student-int8.onnx</c> for (<c>student-int8</c>, <c>onnx</c>).</summary>
    public string CompressedStudent(string name, string extension) => Path.Combine(Root, $"{name}.{extension}");

    /// <summary>The evaluation of every model, for scripts.</summary>
    public string ReportJson => Path.Combine(Root, "report.json");

    /// <summary>The evaluation of every model, for people.</summary>
    public string ReportMarkdown => Path.Combine(Root, "report.md");
}
