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
    public static ProfileTraits Traits(IReadOnlyList<EventFact> events, IReadOnlyList<OrderRecord> orders,
        IReadOnlyList<ProfileRecord> records, IReadOnlyDictionary<string, Source> sources)
    {
        DateTimeOffset? first = null, last = null;
        var channels = new Dictionary<string, (long Count, DateTimeOffset Last)>(StringComparer.Ordinal);
        var teams = new Dictionary<string, (long Count, DateTimeOffset? Last)>(StringComparer.Ordinal);
        var consents = new Dictionary<(string, string), ConsentState>();
        var orderIds = new HashSet<string>(orders.Select(o => o.OrderId), StringComparer.Ordinal);
        var orderCount = orders.Count;
        var revenue = orders.Sum(o => o.Total);
        var currencies = new HashSet<string>(orders.Select(o => o.Currency).OfType<string>(), StringComparer.OrdinalIgnoreCase);
        (string? Zone, DateTimeOffset At) zone = (null, DateTimeOffset.MinValue);

        foreach (var e in events)
        {
            if (e.TimeZone is { } z && e.Timestamp >= zone.At && TimeZones.Known(z) is { } named) zone = (named, e.Timestamp);
            if (first is null || e.Timestamp < first) first = e.Timestamp;
            if (last is null || e.Timestamp > last) last = e.Timestamp;
            var team = sources.TryGetValue(e.SourceId, out var source) ? source.Team : e.SourceId;
            var t = teams.GetValueOrDefault(team);
            teams[team] = (t.Count + 1, t.Last is { } tl && tl > e.Timestamp ? tl : e.Timestamp);

            using var properties = Parse(e.Properties);
            var root = properties?.RootElement;
            if (Channels.Of(e.Type, e.Name, Text(root, "channel")) is { } channel)
            {
                var c = channels.GetValueOrDefault(channel);
                channels[channel] = (c.Count + 1, c.Last > e.Timestamp ? c.Last : e.Timestamp);
            }
            if (e.Type != EventType.Track || e.Name is null) continue;
            if (e.Name.Contains("consent", StringComparison.OrdinalIgnoreCase) && Consent(e, root) is { } consent)
            {
                var key = (consent.Channel, consent.Purpose);
                if (!consents.TryGetValue(key, out var known) || known.At <= consent.At) consents[key] = consent;
            }
            else if (e.Name.Equals("Order Completed", StringComparison.OrdinalIgnoreCase))
            {
                var id = Text(root, "order_id") ?? Text(root, "orderId");
                if (id is not null && !orderIds.Add(id)) continue;
                orderCount++;
                revenue += Number(root, "revenue") ?? Number(root, "total") ?? Number(root, "value") ?? 0m;
                if (Text(root, "currency") is { } currency) currencies.Add(currency);
            }
        }
        foreach (var r in records)
        {
            if (r.CreatedAt is not { } at) continue;
            if (first is null || at < first) first = at;
            if (last is null || at > last) last = at;
        }
        foreach (var o in orders)
        {
            if (first is null || o.OrderedAt < first) first = o.OrderedAt;
            if (last is null || o.OrderedAt > last) last = o.OrderedAt;
            using var properties = Parse(o.Properties);
            // An order says where it was placed ("store", "online"); an order with no say is not counted.
            if (Text(properties?.RootElement, "channel") is { } placed && Channels.Of(EventType.Track, "Order", placed) is { } channel)
            {
                var c = channels.GetValueOrDefault(channel);
                channels[channel] = (c.Count + 1, c.Last > o.OrderedAt ? c.Last : o.OrderedAt);
            }
        }
        return new ProfileTraits(
            first, last, events.Count, orderCount, revenue, currencies.Count == 1 ? currencies.First().ToUpperInvariant() : null,
            [.. channels.OrderByDescending(c => c.Value.Last).Select(c => new ChannelUse(c.Key, c.Value.Count, c.Value.Last))],
            [.. consents.Values.OrderBy(c => c.Channel, StringComparer.Ordinal).ThenBy(c => c.Purpose, StringComparer.Ordinal)],
            [.. teams.OrderByDescending(t => t.Value.Count).Select(t => new TeamActivity(t.Key, t.Value.Count, t.Value.Last))],
            zone.Zone ?? RecordTimeZone(records));
    }

    /// <summary>The newest customer record's time zone trait (<c>timezone</c>, <c>time_zone</c> or <c>timeZone</c>), when it names a known zone.</summary>
    static string? RecordTimeZone(IReadOnlyList<ProfileRecord> records)
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
        var merged = new System.Text.Json.Nodes.JsonObject();
        void Column(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value)) merged[name] = value;
        }
        void Members(string? json)
        {
            if (json is not { Length: > 2 }) return;
            System.Text.Json.Nodes.JsonNode? node;
            try
            {
                node = System.Text.Json.Nodes.JsonNode.Parse(json);
            }
            catch (JsonException)
            {
                return;
            }
            if (node is not System.Text.Json.Nodes.JsonObject obj) return;
            foreach (var (name, value) in obj) merged[name] = value?.DeepClone();
        }
        foreach (var r in records)
        {
            Column("email", r.Email);
            Column("phone", r.Phone);
            Column("first_name", r.FirstName);
            Column("last_name", r.LastName);
            Column("address_line", r.AddressLine);
            Column("postal_code", r.PostalCode);
            Column("city", r.City);
            Column("country", r.Country);
            Column("company", r.Company);
            Members(r.Traits);
        }
        foreach (var traits in identifyTraits) Members(traits);
        return merged.Count == 0 ? null : merged.ToJsonString();
    }

    /// <summary>
    /// A consent change as CommonGround and common consent tools send it: properties channel, purpose
    /// (default "marketing") and granted (boolean) or status ("granted", "withdrawn", "opted_out", ...).
    /// </summary>
    static ConsentState? Consent(EventFact e, JsonElement? properties)
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

    static JsonDocument? Parse(string? json)
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

    static string? Text(JsonElement? obj, string name) =>
        obj is { } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static decimal? Number(JsonElement? obj, string name) =>
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
