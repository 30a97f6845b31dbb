using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CommonGround.Events;
using CommonGround.Records;
using CommonGround.Sources;

namespace CommonGround.Profiles;

/// <summary>
/// What a profile's events contribute to its traits, folded one event at a time and in any order, so
/// the refresh of derived rows can keep it and fold in only the events resolved since, instead of
/// re-reading a profile's whole history every time it is touched (<see cref="ProfileEventSummaries"/>).
/// Every member remembers the position (timestamp, then sequence number) of the event that decided it,
/// which makes the result the same as reading every event oldest first, as <see cref="ProfileFacts"/> defines it.
/// </summary>
/// <remarks>Not thread-safe.</remarks>
public sealed class ProfileEventSummary
{
    /// <summary>Where an event (and a member of its traits) stands in the profile's history.</summary>
    readonly record struct Position(DateTimeOffset At, long Sequence, int Member) : IComparable<Position>
    {
        public int CompareTo(Position other) =>
            At != other.At ? At.CompareTo(other.At)
            : Sequence != other.Sequence ? Sequence.CompareTo(other.Sequence)
            : Member.CompareTo(other.Member);

        public static bool operator <(Position a, Position b) => a.CompareTo(b) < 0;
        public static bool operator >(Position a, Position b) => a.CompareTo(b) > 0;
        public static bool operator <=(Position a, Position b) => a.CompareTo(b) <= 0;
        public static bool operator >=(Position a, Position b) => a.CompareTo(b) >= 0;
    }

    /// <summary>A count, the newest time, and the first event (which orders ties as reading oldest first would).</summary>
    record struct Use(long Count, DateTimeOffset Last, Position First)
    {
        public static Use Add(Use? known, Position at) => known is { } k
            ? new(k.Count + 1, k.Last > at.At ? k.Last : at.At, at < k.First ? at : k.First)
            : new(1, at.At, at);
    }

    /// <summary>The "Order Completed" event that counts for an order id: the first one.</summary>
    readonly record struct OrderEvent(Position At, decimal Revenue, string? Currency);

    /// <summary>A trait of identify calls: where it first appeared (its place in the object) and its latest value.</summary>
    readonly record struct TraitValue(Position First, Position At, JsonNode? Value);

    DateTimeOffset? _first, _last;
    long _count;
    // The newest event that named a known time zone.
    (string Zone, Position At)? _zone;
    readonly Dictionary<string, Use> _sources = new(StringComparer.Ordinal);
    readonly Dictionary<string, Use> _channels = new(StringComparer.Ordinal);
    // Kept for many profiles at once (ProfileEventSummaries): what most profiles never need is made when first needed.
    Dictionary<(string Channel, string Purpose), (ConsentState State, Position At)>? _consents;
    Dictionary<string, OrderEvent>? _orders;
    long _ordersWithoutId;
    decimal _revenueWithoutId;
    HashSet<string>? _currenciesWithoutId;
    Dictionary<string, TraitValue>? _traits;

    // The custom traits of a person without customer records, until an identify call changes them: most
    // refreshes of a profile bring events but no new traits.
    string? _traitsWithoutRecords;
    bool _traitsWithoutRecordsKnown;

    /// <summary>How many events were folded in.</summary>
    public long EventCount => _count;

    /// <summary>Folds in one event.</summary>
    /// <param name="sequence">The event's store-wide sequence number: orders events with the same timestamp.</param>
    /// <param name="identifyTraits">The traits JSON of an identify call, else null.</param>
    public void Add(EventFact e, long sequence, string? identifyTraits)
    {
        var at = new Position(e.Timestamp, sequence, 0);
        if (_first is null || e.Timestamp < _first) _first = e.Timestamp;
        if (_last is null || e.Timestamp > _last) _last = e.Timestamp;
        _count++;
        if (e.TimeZone is { } z && (_zone is not { } zone || at >= zone.At) && TimeZones.Known(z) is { } named) _zone = (named, at);
        _sources[e.SourceId] = Use.Add(_sources.TryGetValue(e.SourceId, out var s) ? s : null, at);
        if (e.Type == EventType.Identify) AddTraits(identifyTraits, e.Timestamp, sequence);

        // Only a track event's properties can name a channel, a consent or an order (ProfileFacts.Traits); most
        // say none of that, and parsing them was most of the cost of a refresh.
        using var properties = e.Type == EventType.Track && Matters(e) ? ProfileFacts.Parse(e.Properties) : null;
        var root = properties?.RootElement;
        if (Channels.Of(e.Type, e.Name, ProfileFacts.Text(root, "channel")) is { } channel)
            _channels[channel] = Use.Add(_channels.TryGetValue(channel, out var c) ? c : null, at);
        if (e.Type != EventType.Track || e.Name is null) return;
        if (e.Name.Contains("consent", StringComparison.OrdinalIgnoreCase) && ProfileFacts.Consent(e, root) is { } consent)
        {
            // The newest change wins; of two at the same time, the later stored.
            var key = (consent.Channel, consent.Purpose);
            _consents ??= [];
            if (!_consents.TryGetValue(key, out var known) || known.At <= at) _consents[key] = (consent, at);
        }
        else if (e.Name.Equals("Order Completed", StringComparison.OrdinalIgnoreCase))
        {
            var revenue = ProfileFacts.Number(root, "revenue") ?? ProfileFacts.Number(root, "total") ?? ProfileFacts.Number(root, "value") ?? 0m;
            var currency = ProfileFacts.Text(root, "currency");
            if ((ProfileFacts.Text(root, "order_id") ?? ProfileFacts.Text(root, "orderId")) is { } id)
            {
                _orders ??= new(StringComparer.Ordinal);
                if (!_orders.TryGetValue(id, out var known) || at < known.At) _orders[id] = new OrderEvent(at, revenue, currency);
                return;
            }
            _ordersWithoutId++;
            _revenueWithoutId += revenue;
            if (currency is not null) (_currenciesWithoutId ??= new(StringComparer.OrdinalIgnoreCase)).Add(currency);
        }
    }

    /// <summary>
    /// Whether a track event's properties can change the traits: it is a consent change or an order, or its
    /// properties may have a channel (a member's name can only be spelt otherwise with a \u escape).
    /// </summary>
    static bool Matters(EventFact e) =>
        e.Properties is { Length: > 2 } p
        && (p.Contains("channel", StringComparison.Ordinal) || p.Contains("\\u", StringComparison.Ordinal)
            || e.Name is { } name && (name.Contains("consent", StringComparison.OrdinalIgnoreCase) || name.Equals("Order Completed", StringComparison.OrdinalIgnoreCase)));

    /// <summary>Folds in the members of one identify call's traits (a JSON object; anything else is ignored).</summary>
    internal void AddTraits(string? json, DateTimeOffset timestamp, long sequence)
    {
        if (json is not { Length: > 2 }) return;
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return;
        }
        if (node is not JsonObject obj) return;
        _traitsWithoutRecordsKnown = false;
        _traits ??= new(StringComparer.Ordinal);
        var member = 0;
        foreach (var (name, value) in obj)
        {
            var at = new Position(timestamp, sequence, member++);
            if (!_traits.TryGetValue(name, out var known)) _traits[name] = new TraitValue(at, at, value?.DeepClone());
            else _traits[name] = new TraitValue(at < known.First ? at : known.First, at > known.At ? at : known.At,
                at > known.At ? value?.DeepClone() : known.Value);
        }
    }

    /// <summary>
    /// The computed traits, with the person's order records and customer records (see <see cref="ProfileFacts.Traits"/>).
    /// </summary>
    public ProfileTraits Traits(IReadOnlyList<OrderRecord> orders, IReadOnlyList<ProfileRecord> records, IReadOnlyDictionary<string, Source> sources)
    {
        DateTimeOffset? first = _first, last = _last;
        var orderIds = new HashSet<string>(orders.Select(o => o.OrderId), StringComparer.Ordinal);
        var orderCount = orders.Count + _ordersWithoutId;
        var revenue = orders.Sum(o => o.Total) + _revenueWithoutId;
        var currencies = new HashSet<string>(orders.Select(o => o.Currency).OfType<string>(), StringComparer.OrdinalIgnoreCase);
        if (_currenciesWithoutId is not null) currencies.UnionWith(_currenciesWithoutId);
        foreach (var (id, order) in _orders ?? [])
        {
            // An order id that an order record has, or that an earlier event had, counts once.
            if (!orderIds.Add(id)) continue;
            orderCount++;
            revenue += order.Revenue;
            if (order.Currency is { } currency) currencies.Add(currency);
        }

        // In order of first use, as reading the events oldest first meets them; orders' channels after.
        var channels = new Dictionary<string, (long Count, DateTimeOffset Last)>(StringComparer.Ordinal);
        foreach (var (name, use) in _channels.OrderBy(c => c.Value.First)) channels[name] = (use.Count, use.Last);
        var teams = new Dictionary<string, (long Count, DateTimeOffset? Last)>(StringComparer.Ordinal);
        foreach (var (sourceId, use) in _sources.OrderBy(s => s.Value.First))
        {
            var team = sources.TryGetValue(sourceId, out var source) ? source.Team : sourceId;
            var t = teams.GetValueOrDefault(team);
            teams[team] = (t.Count + use.Count, t.Last is { } tl && tl > use.Last ? tl : use.Last);
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
            using var properties = ProfileFacts.Parse(o.Properties);
            // An order says where it was placed ("store", "online"); an order with no say is not counted.
            if (ProfileFacts.Text(properties?.RootElement, "channel") is { } placed && Channels.Of(EventType.Track, "Order", placed) is { } channel)
            {
                var c = channels.GetValueOrDefault(channel);
                channels[channel] = (c.Count + 1, c.Last > o.OrderedAt ? c.Last : o.OrderedAt);
            }
        }
        return new ProfileTraits(
            first, last, _count, (int)orderCount, revenue, currencies.Count == 1 ? currencies.First().ToUpperInvariant() : null,
            [.. channels.OrderByDescending(c => c.Value.Last).Select(c => new ChannelUse(c.Key, c.Value.Count, c.Value.Last))],
            [.. (_consents?.Values.Select(c => c.State) ?? Enumerable.Empty<ConsentState>()).OrderBy(c => c.Channel, StringComparer.Ordinal).ThenBy(c => c.Purpose, StringComparer.Ordinal)],
            [.. teams.OrderByDescending(t => t.Value.Count).Select(t => new TeamActivity(t.Key, t.Value.Count, t.Value.Last))],
            _zone?.Zone ?? ProfileFacts.RecordTimeZone(records));
    }

    /// <summary>The person's own traits (see <see cref="ProfileFacts.CustomTraits"/>): customer records first, then identify calls.</summary>
    /// <param name="records">The person's customer records in the order they were stored.</param>
    public string? CustomTraits(IReadOnlyCollection<ProfileRecord> records)
    {
        if (records.Count == 0 && _traitsWithoutRecordsKnown) return _traitsWithoutRecords;
        var merged = new JsonObject();
        void Column(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value)) merged[name] = value;
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
            if (r.Traits is { Length: > 2 } traits && ParseObject(traits) is { } obj)
            {
                foreach (var (name, value) in obj) merged[name] = value?.DeepClone();
            }
        }
        foreach (var (name, trait) in (_traits ?? []).OrderBy(t => t.Value.First)) merged[name] = trait.Value?.DeepClone();
        var json = merged.Count == 0 ? null : merged.ToJsonString();
        if (records.Count == 0) (_traitsWithoutRecords, _traitsWithoutRecordsKnown) = (json, true);
        return json;
    }

    static JsonObject? ParseObject(string json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>For tests and logs: the summary's size, not its content (which is personal data).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{_count} events, {_traits?.Count ?? 0} traits");
}
