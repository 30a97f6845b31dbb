using System.Globalization;
using System.Text.Json;
using CommonGround.Events;
using CommonGround.Identity;
using CommonGround.Records;
using CommonGround.Sources;

namespace CommonGround.Profiles;

/// <summary>What a store reads of one event of a profile to compute its traits: no more than that.</summary>
/// <param name="Properties">The event's properties JSON for track events, else null.</param>
/// <param name="TimeZone">The event's <c>context.timezone</c> (Segment's libraries send the device's IANA zone), else null.</param>
public sealed record EventFact(EventType Type, string? Name, DateTimeOffset Timestamp, string SourceId, string? Properties, string? TimeZone = null);

/// <summary>
/// Turns the rows a store read for one profile into the read model: computed traits, the display
/// name, the order of identifiers. Every provider reads the same rows with its own SQL and calls this,
/// so traits mean the same whatever the store. Stateless; thread-safe.
/// </summary>
public static class ProfileFacts
{
    static readonly string[] TypeOrder =
        [IdentifierTypes.UserId, IdentifierTypes.Email, IdentifierTypes.Phone, IdentifierTypes.LoyaltyId,
         IdentifierTypes.ExternalId, IdentifierTypes.DeviceId, IdentifierTypes.AnonymousId];

    /// <summary>Identifiers by type (the usual priority, unknown types last), then value.</summary>
    public static IReadOnlyList<Identifier> Order(IEnumerable<Identifier> identifiers) =>
        [.. identifiers.OrderBy(i => Array.IndexOf(TypeOrder, i.Type) is var n && n < 0 ? TypeOrder.Length : n)
            .ThenBy(i => i.Type, StringComparer.Ordinal).ThenBy(i => i.Value, StringComparer.Ordinal)];

    /// <summary>The name to show: the newest record's first and last name, else the first e-mail or identifier.</summary>
    public static string? DisplayName(IReadOnlyList<ProfileRecord> records, IReadOnlyList<Identifier> identifiers)
    {
        foreach (var r in records.OrderByDescending(r => r.CreatedAt ?? DateTimeOffset.MinValue))
        {
            var name = string.Join(" ", new[] { r.FirstName, r.LastName }.Where(s => !string.IsNullOrWhiteSpace(s)));
            if (name.Length > 0) return name;
        }
        return identifiers.FirstOrDefault(i => i.Type == IdentifierTypes.Email).Value;
    }

    /// <summary>
    /// Computed traits. Orders count once each: order records, plus "Order Completed" events whose
    /// order_id no record has (the revenue of such an event is its revenue, total or value property).
    /// </summary>
    /// <remarks>Folds <paramref name="events"/> (oldest first) into a <see cref="ProfileEventSummary"/>, which the refresh of derived rows keeps.</remarks>
    public static ProfileTraits Traits(IReadOnlyList<EventFact> events, IReadOnlyList<OrderRecord> orders,
        IReadOnlyList<ProfileRecord> records, IReadOnlyDictionary<string, Source> sources)
    {
        var summary = new ProfileEventSummary();
        for (var i = 0; i < events.Count; i++) summary.Add(events[i], i, null);
        return summary.Traits(orders, records, sources);
    }

    /// <summary>The newest customer record's time zone trait (<c>timezone</c>, <c>time_zone</c> or <c>timeZone</c>), when it names a known zone.</summary>
    internal static string? RecordTimeZone(IReadOnlyList<ProfileRecord> records)
    {
        foreach (var r in records.OrderByDescending(r => r.CreatedAt ?? DateTimeOffset.MinValue))
        {
            using var traits = Parse(r.Traits);
            if (traits?.RootElement is not { ValueKind: JsonValueKind.Object } root) continue;
            foreach (var name in (ReadOnlySpan<string>)["timezone", "time_zone", "timeZone"])
            {
                if (Text(root, name) is { } text && TimeZones.Known(text) is { } known) return known;
            }
        }
        return null;
    }

    /// <summary>
    /// The person's own traits, as audiences read them by name (<c>city</c>, <c>loyalty_tier</c>,
    /// <c>address.city</c>): the columns and traits of their customer records, oldest record first, then
    /// the traits of their identify calls, oldest first; a later value of a name replaces an earlier
    /// one (JSON null clears it). Null when there are none.
    /// </summary>
    /// <param name="records">The person's customer records in the order they were stored.</param>
    /// <param name="identifyTraits">The traits JSON of each identify call, oldest first.</param>
    public static string? CustomTraits(IEnumerable<ProfileRecord> records, IEnumerable<string?> identifyTraits)
    {
        var summary = new ProfileEventSummary();
        var sequence = 0L;
        foreach (var traits in identifyTraits) summary.AddTraits(traits, DateTimeOffset.MinValue, sequence++);
        return summary.CustomTraits([.. records]);
    }

    /// <summary>
    /// A consent change as CommonGround and common consent tools send it: properties channel, purpose
    /// (default "marketing") and granted (boolean) or status ("granted", "withdrawn", "opted_out", ...).
    /// </summary>
    internal static ConsentState? Consent(EventFact e, JsonElement? properties)
    {
        var channel = Text(properties, "channel");
        if (channel is null) return null;
        bool? granted = properties is { } p && p.TryGetProperty("granted", out var g) && g.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? g.GetBoolean()
            : Text(properties, "status")?.ToLowerInvariant() switch
            {
                "granted" or "given" or "opted_in" or "opt_in" or "subscribed" or "yes" => true,
                "withdrawn" or "denied" or "revoked" or "opted_out" or "opt_out" or "unsubscribed" or "no" => false,
                _ => null,
            };
        if (granted is null) return null;
        return new ConsentState(channel.ToLowerInvariant(), (Text(properties, "purpose") ?? "marketing").ToLowerInvariant(),
            granted.Value, e.Timestamp, e.SourceId);
    }

    internal static JsonDocument? Parse(string? json)
    {
        if (json is not { Length: > 2 }) return null;
        try
        {
            var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind == JsonValueKind.Object) return doc;
            doc.Dispose();
        }
        catch (JsonException)
        {
            // Stored events were validated; a malformed member says nothing.
        }
        return null;
    }

    internal static string? Text(JsonElement? obj, string name) =>
        obj is { } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static decimal? Number(JsonElement? obj, string name) =>
        obj is { } o && o.TryGetProperty(name, out var v)
            ? v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d) ? d
              : v.ValueKind == JsonValueKind.String && decimal.TryParse(v.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var s) ? s : null
            : null;

    /// <summary>
    /// A timeline entry from the row a store read: <paramref name="kind"/> is an event type's wire name,
    /// "order" or "customer"; <paramref name="source"/> is null when the source is no longer known.
    /// </summary>
    public static TimelineEntry Entry(DateTimeOffset at, string kind, string? name, string? category, string sourceId,
        Source? source, string reference, string? details)
    {
        var title = kind switch
        {
            "order" => "Order " + name,
            "customer" => "Customer record " + name,
            _ => Title(EventTypes.TryParse(kind, out var type) ? type : EventType.Track, name, category),
        };
        return new TimelineEntry(at, kind, title, sourceId, source?.Name ?? sourceId, source?.Team ?? "", reference, details);
    }

    /// <summary>What a timeline shows as the title of an event.</summary>
    public static string Title(EventType type, string? name, string? category) => type switch
    {
        EventType.Track => name ?? "(unnamed event)",
        EventType.Page => "Viewed " + (name is null ? "a page" : category is null ? name : category + " / " + name),
        EventType.Screen => "Viewed screen " + (name ?? ""),
        EventType.Identify => "Identified",
        EventType.Group => "Joined a business account",
        EventType.Alias => "Linked a previous id",
        _ => type.ToWire(),
    };
}
