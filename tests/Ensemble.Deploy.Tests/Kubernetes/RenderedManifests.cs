using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Ensemble.Deploy.Tests.Kubernetes;

/// <summary>The objects of a rendered multi-document YAML stream, each as a JSON tree whose scalars are all strings.</summary>
internal sealed class RenderedManifests
{
    private RenderedManifests(IReadOnlyList<KubeObject> objects) => Objects = objects;

    public IReadOnlyList<KubeObject> Objects { get; }

    public static RenderedManifests Parse(string yaml)
    {
        var deserializer = new DeserializerBuilder().Build();
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        var objects = new List<KubeObject>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (ToJson(deserializer.Deserialize<object?>(parser)) is JsonObject json) objects.Add(new KubeObject(json));
        }

        return new RenderedManifests(objects);
    }

    public IEnumerable<KubeObject> OfKind(params string[] kinds) => Objects.Where(o => kinds.Contains(o.Kind, StringComparer.Ordinal));

    public KubeObject? Find(string kind, string name) => Objects.FirstOrDefault(o => o.Kind == kind && o.Name == name);

    private static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        IDictionary<object, object?> map => new JsonObject(map.Select(e => KeyValuePair.Create(e.Key.ToString()!, ToJson(e.Value)))),
        IList<object?> list => new JsonArray([.. list.Select(ToJson)]),
        _ => JsonValue.Create(value.ToString()),
    };
}
