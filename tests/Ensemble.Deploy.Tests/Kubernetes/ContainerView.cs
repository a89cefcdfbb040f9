using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Ensemble.Deploy.Tests.Kubernetes;

/// <summary>A container of a pod template: its arguments, with Kubernetes' <c>$(NAME)</c> expansion, and its environment.</summary>
internal sealed partial class ContainerView(KubeObject owner, JsonObject json)
{
    public KubeObject Owner { get; } = owner;

    public JsonObject Json { get; } = json;

    public string Name => KubeObject.Text(Json["name"]) ?? "";

    public string? Image => KubeObject.Text(Json["image"]);

    /// <summary>How messages name the container: <c>Kind/name: spec.template.spec.containers[name]</c>.</summary>
    public string Where => $"{Owner.Id}: spec.template.spec.containers[{Name}]";

    public IReadOnlyList<string> Args => Strings(Json["args"]);

    public IReadOnlyList<string> Command => Strings(Json["command"]);

    public IReadOnlyList<JsonObject> Env => [.. KubeObject.Items(Json["env"])];

    public JsonObject? EnvEntry(string name) => Env.FirstOrDefault(e => KubeObject.Text(e["name"]) == name);

    public string? EnvLiteral(string name) => KubeObject.Text(EnvEntry(name)?["value"]);

    /// <summary>The Secret and key an environment variable comes from, or null when it does not come from one.</summary>
    public (string Secret, string Key)? EnvSecret(string name)
    {
        var reference = EnvEntry(name)?["valueFrom"]?["secretKeyRef"];
        return KubeObject.Text(reference?["name"]) is { } secret && KubeObject.Text(reference?["key"]) is { } key ? (secret, key) : null;
    }

    public string? EnvFieldPath(string name) => KubeObject.Text(EnvEntry(name)?["valueFrom"]?["fieldRef"]?["fieldPath"]);

    /// <summary>The raw value of <c>--name VALUE</c> or <c>--name=VALUE</c> in the arguments, or null.</summary>
    public string? Option(string name)
    {
        var args = Args;
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == name && i + 1 < args.Count) return args[i + 1];
            if (args[i].StartsWith(name + "=", StringComparison.Ordinal)) return args[i][(name.Length + 1)..];
        }

        return null;
    }

    /// <summary>The variable of a whole-value reference <c>$(NAME)</c>, or null.</summary>
    public static string? ReferencedVariable(string? raw) =>
        raw is not null && WholeReference().Match(raw) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>
    /// <paramref name="raw"/> with each <c>$(NAME)</c> replaced by the literal value of the variable, as the kubelet does;
    /// references to variables without a literal value (secrets, field refs) stay as they are.
    /// </summary>
    public string Expand(string raw) => Reference().Replace(raw, m => EnvLiteral(m.Groups[1].Value) ?? m.Value);

    /// <summary>The expanded value of an option, or null when it is absent.</summary>
    public string? ExpandedOption(string name) => Option(name) is { } raw ? Expand(raw) : null;

    private static List<string> Strings(JsonNode? node) =>
        (node as JsonArray)?.Select(KubeObject.Text).OfType<string>().ToList() ?? [];

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^\$\(([A-Za-z_][A-Za-z0-9_]*)\)$")]
    private static partial Regex WholeReference();
}
