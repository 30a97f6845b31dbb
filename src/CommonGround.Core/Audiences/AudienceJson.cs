using System.Text.Json;
using System.Text.Json.Serialization;

namespace CommonGround.Audiences;

/// <summary>
/// The JSON form of an audience, exchanged by the UI builder and the API: the same tree as the text,
/// each condition an object with a "kind" ("and", "compare", "aggregate", ...), each value with a
/// "type" ("text", "number", "date", "ago", ...). Stateless and thread-safe.
/// </summary>
public static class AudienceJson
{
    /// <summary>
    /// camelCase members, enums as camelCase strings, discriminators accepted anywhere in an object;
    /// a missing or null member that the rule needs is refused rather than left null.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        AllowOutOfOrderMetadataProperties = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(AudienceDefinition definition) => JsonSerializer.Serialize(definition, Options);

    /// <exception cref="JsonException">The JSON is not an audience definition.</exception>
    public static AudienceDefinition Deserialize(string json) =>
        JsonSerializer.Deserialize<AudienceDefinition>(json, Options) is { Rule: not null } definition
            ? definition
            : throw new JsonException("An audience definition needs a \"rule\".");
}
