using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Ensemble.Contracts.Api;

/// <summary>The JSON conventions of the API, shared by the silo that writes and the clients that read.</summary>
public static class ApiJson
{
    /// <summary>
    /// snake_case property names, enums as lower-case words, nulls written out (never omitted), compact output,
    /// and strict reading (a null for a non-nullable member, or a missing constructor parameter, is an error).
    /// Read-only.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>The media type of every JSON body the API writes.</summary>
    public const string MediaType = "application/json";

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            WriteIndented = false,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly();
        return options;
    }
}
