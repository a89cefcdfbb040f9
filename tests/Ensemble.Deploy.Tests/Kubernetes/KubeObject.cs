using System.Globalization;
using System.Text.Json.Nodes;

namespace Ensemble.Deploy.Tests.Kubernetes;

/// <summary>One rendered Kubernetes object; scalars are strings, as YAML gives them.</summary>
internal sealed class KubeObject(JsonObject json)
{
    public JsonObject Json { get; } = json;

    public string Kind => Text(Json["kind"]) ?? "";

    public string Name => Text(Json["metadata"]?["name"]) ?? "";

    public string? Namespace => Text(Json["metadata"]?["namespace"]);

    /// <summary><c>Kind/name</c>, how messages name the object.</summary>
    public string Id => $"{Kind}/{Name}";

    /// <summary>The pod template's spec of a workload (StatefulSet, Deployment, Job, DaemonSet...), or null.</summary>
    public JsonObject? PodSpec => Json["spec"]?["template"]?["spec"] as JsonObject;

    /// <summary>The pod template's labels.</summary>
    public IReadOnlyDictionary<string, string> PodLabels => Labels(Json["spec"]?["template"]?["metadata"]?["labels"]);

    /// <summary>Every container of the pod template, init containers included.</summary>
    public IEnumerable<JsonObject> Containers =>
        new[] { "initContainers", "containers" }.SelectMany(k => Items(PodSpec?[k]));

    public static string? Text(JsonNode? node) => node?.GetValueKind() == System.Text.Json.JsonValueKind.String ? node.GetValue<string>() : null;

    public static IEnumerable<JsonObject> Items(JsonNode? node) => (node as JsonArray)?.OfType<JsonObject>() ?? [];

    public static IReadOnlyDictionary<string, string> Labels(JsonNode? node) =>
        (node as JsonObject)?.Where(e => Text(e.Value) is not null).ToDictionary(e => e.Key, e => Text(e.Value)!) ?? [];

    public static int? Integer(JsonNode? node) =>
        int.TryParse(Text(node), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>True when every pair of <paramref name="selector"/> is in <paramref name="labels"/>, and there is at least one.</summary>
    public static bool Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(p => labels.TryGetValue(p.Key, out var v) && v == p.Value);
}
