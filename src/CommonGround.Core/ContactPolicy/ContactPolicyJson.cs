using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CommonGround.Campaigns;

namespace CommonGround.ContactPolicy;

/// <summary>
/// The JSON form of a contact policy, for the API and for files: camelCase members, enums as
/// camelCase strings ("rolling7Days", "directMail"), local times as "21:00", durations as
/// "04:00:00" (hh:mm:ss, or d.hh:mm:ss). An unknown enum value names the ones allowed. Thread-safe.
/// </summary>
public static class ContactPolicyJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters =
        {
            new NamedEnumConverter<Channel>("channel"),
            new NamedEnumConverter<CampaignCategory>("category"),
            new NamedEnumConverter<CapScope>("scope"),
            new NamedEnumConverter<CapLevel>("level"),
            new NamedEnumConverter<CapWindow>("window"),
            new NamedEnumConverter<Consent>("consent"),
            new NamedEnumConverter<HoldCode>("code"),
            new LocalTimeConverter(),
            new DurationConverter(),
        },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public static string Serialize(ContactPolicyDefinition policy) => JsonSerializer.Serialize(policy, Options);

    /// <summary>Reads a policy; it is not validated (see <see cref="ContactPolicyValidator"/>).</summary>
    /// <exception cref="ContactPolicyException">The JSON cannot be read as a policy; the problem names where.</exception>
    public static ContactPolicyDefinition Deserialize(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ContactPolicyDefinition>(json, Options)
                ?? throw new ContactPolicyException([new PolicyProblem("", "The policy is empty (null); send an object.")]);
        }
        catch (JsonException e)
        {
            var path = e.Path is null or "$" ? "" : e.Path.TrimStart('$', '.');
            var message = e.InnerException is FormatException or ArgumentException && e.InnerException.Message.Length > 0
                ? e.InnerException.Message
                : e.Message.Split(" Path:", 2)[0];
            throw new ContactPolicyException([new PolicyProblem(path, message)]);
        }
    }

    /// <summary>The JSON name of an enum value, e.g. "rolling7Days".</summary>
    public static string Name<T>(T value) where T : struct, Enum => NamedEnumConverter<T>.NameOf(value);

    sealed class NamedEnumConverter<T>(string what) : JsonConverter<T> where T : struct, Enum
    {
        static readonly T[] Values = Enum.GetValues<T>();
        static readonly string[] Names = Values.Select(v => JsonNamingPolicy.CamelCase.ConvertName(v.ToString())).ToArray();

        public static string NameOf(T value) => Names[Array.IndexOf(Values, value)];

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            for (var i = 0; i < Names.Length; i++)
            {
                if (string.Equals(Names[i], text, StringComparison.OrdinalIgnoreCase)) return Values[i];
            }
            var shown = text is null ? $"a {reader.TokenType.ToString().ToLowerInvariant()}" : $"'{text}'";
            throw new JsonException($"{shown} is not a {what}; use {Words.List(Names, "or")}.");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(NameOf(value));
    }

    sealed class LocalTimeConverter : JsonConverter<TimeOnly>
    {
        static readonly string[] Formats = ["H:mm", "HH:mm", "H:mm:ss", "HH:mm:ss"];

        public override TimeOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String
            && TimeOnly.TryParseExact(reader.GetString(), Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
                ? time
                : throw new JsonException("a local time is written \"21:00\" (24-hour clock, hh:mm).");

        public override void Write(Utf8JsonWriter writer, TimeOnly value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString(value.Second == 0 ? "HH:mm" : "HH:mm:ss", CultureInfo.InvariantCulture));
    }

    sealed class DurationConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String
            && TimeSpan.TryParseExact(reader.GetString(), ["c", "g"], CultureInfo.InvariantCulture, out var span)
                ? span
                : throw new JsonException("a duration is written \"04:00:00\" (hh:mm:ss) or \"1.00:00:00\" (days.hh:mm:ss).");

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString("c", CultureInfo.InvariantCulture));
    }
}
