using System.Text.Json;
using CommonGround.Events;

namespace CommonGround.Catalog;

/// <summary>
/// Gathers what one request (or generated batch) teaches the catalog: every field of every dataset it carried,
/// counted once per event. Not thread-safe: one collector per request.
/// </summary>
public sealed class CatalogCollector(string team, DateTimeOffset seenAt)
{
    /// <summary>Nested objects are described down to this depth (properties.address.city is depth 3).</summary>
    const int MaxDepth = 3;

    /// <summary>Bounds the catalog's growth from one event with thousands of generated keys.</summary>
    const int MaxFieldsPerEvent = 200;

    readonly Dictionary<CatalogFieldKey, Entry> _entries = [];

    /// <summary>What was collected, ready for <c>ICatalogStore.ObserveAsync</c>.</summary>
    public IReadOnlyCollection<CatalogObservation> Observations =>
        [.. _entries.Select(e => new CatalogObservation(e.Key, e.Value.ValueType, team, e.Value.Personal, e.Value.Count, seenAt))];

    /// <summary>Observes an event as it arrived: <paramref name="raw"/> is its JSON object.</summary>
    public void Observe(TrackedEvent e, JsonElement raw)
    {
        var (dataType, dataset) = CatalogClassifier.Classify(e.Type, e.Name);
        var budget = MaxFieldsPerEvent;
        foreach (var id in (ReadOnlySpan<string>)["userId", "anonymousId", "groupId", "previousId"])
        {
            if (raw.TryGetProperty(id, out var value) && value.ValueKind is not JsonValueKind.Null)
                Add(new CatalogFieldKey(dataType, dataset, id), value, ref budget);
        }
        foreach (var member in (ReadOnlySpan<string>)["properties", "traits", "context"])
        {
            if (raw.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.Object)
                Walk(dataType, dataset, member, value, 1, ref budget);
        }
    }

    /// <summary>Observes one field of a record (a customer or order row), by its path and a sample value.</summary>
    public void Observe(DataType dataType, string dataset, string field, string valueType, string? sample)
    {
        var key = new CatalogFieldKey(dataType, dataset, field);
        if (_entries.TryGetValue(key, out var entry))
        {
            entry.Count++;
            return;
        }
        _entries[key] = new Entry(valueType, PersonalData.LooksPersonal(field, sample));
    }

    void Walk(DataType dataType, string dataset, string prefix, JsonElement obj, int depth, ref int budget)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (budget <= 0) return;
            var path = prefix + "." + property.Name;
            if (property.Value.ValueKind == JsonValueKind.Object && depth < MaxDepth)
                Walk(dataType, dataset, path, property.Value, depth + 1, ref budget);
            else
                Add(new CatalogFieldKey(dataType, dataset, path), property.Value, ref budget);
        }
    }

    void Add(CatalogFieldKey key, JsonElement value, ref int budget)
    {
        budget--;
        if (_entries.TryGetValue(key, out var entry))
        {
            entry.Count++;
            return;
        }
        var sample = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        _entries[key] = new Entry(KindName(value.ValueKind), PersonalData.LooksPersonal(key.Field, sample));
    }

    public static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    sealed class Entry(string valueType, bool personal)
    {
        public string ValueType { get; } = valueType;
        public bool Personal { get; } = personal;
        public long Count { get; set; } = 1;
    }
}
