using System.Runtime.InteropServices;
using System.Text;
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

    /// <summary>The datasets seen, by data type and name; each holds its fields by path.</summary>
    readonly Dictionary<(DataType, string), Dataset> _datasets = [];

    /// <summary>The dataset of a call type and (for track) event name, classified once per request.</summary>
    readonly Dictionary<(EventType, string?), Dataset> _datasetOfCall = [];

    /// <summary>The path being walked ("properties.address.city"), built here so that a field already
    /// seen is counted without allocating its path.</summary>
    char[] _path = new char[128];

    /// <summary>What was collected, ready for <c>ICatalogStore.ObserveAsync</c>.</summary>
    public IReadOnlyCollection<CatalogObservation> Observations =>
    [
        .. _datasets.Values.SelectMany(d => d.Fields.Select(f => new CatalogObservation(
            new CatalogFieldKey(d.DataType, d.Name, f.Key), f.Value.ValueType, team, f.Value.Personal, f.Value.Count, seenAt))),
    ];

    /// <summary>Observes an event as it arrived: <paramref name="raw"/> is its JSON object.</summary>
    public void Observe(TrackedEvent e, JsonElement raw)
    {
        var call = (e.Type, e.Type == EventType.Track ? e.Name : null);
        if (!_datasetOfCall.TryGetValue(call, out var dataset))
        {
            var (dataType, name) = CatalogClassifier.Classify(e.Type, e.Name);
            _datasetOfCall[call] = dataset = DatasetOf(dataType, name);
        }
        var budget = MaxFieldsPerEvent;
        foreach (var id in (ReadOnlySpan<string>)["userId", "anonymousId", "groupId", "previousId"])
        {
            if (raw.TryGetProperty(id, out var value) && value.ValueKind is not JsonValueKind.Null)
                Add(dataset, id, value, ref budget);
        }
        foreach (var member in (ReadOnlySpan<string>)["properties", "traits", "context"])
        {
            if (raw.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.Object)
            {
                member.CopyTo(_path);
                Walk(dataset, member.Length, value, 1, ref budget);
            }
        }
    }

    /// <summary>Observes one field of a record (a customer or order row), by its path and a sample value.</summary>
    public void Observe(DataType dataType, string dataset, string field, string valueType, string? sample)
    {
        var fields = DatasetOf(dataType, dataset).Fields;
        if (fields.TryGetValue(field, out var entry))
        {
            entry.Count++;
            return;
        }
        fields[field] = new Entry(valueType, PersonalData.LooksPersonal(field, sample));
    }

    Dataset DatasetOf(DataType dataType, string name)
    {
        if (!_datasets.TryGetValue((dataType, name), out var dataset))
            _datasets[(dataType, name)] = dataset = new Dataset(dataType, name);
        return dataset;
    }

    /// <param name="prefixLength">How much of <see cref="_path"/> is the path of <paramref name="obj"/>.</param>
    void Walk(Dataset dataset, int prefixLength, JsonElement obj, int depth, ref int budget)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (budget <= 0) return;
            var length = AppendName(prefixLength, property);
            if (property.Value.ValueKind == JsonValueKind.Object && depth < MaxDepth)
                Walk(dataset, length, property.Value, depth + 1, ref budget);
            else
                Add(dataset, _path.AsSpan(0, length), property.Value, ref budget);
        }
    }

    /// <summary>Writes "." and the property's name after the prefix; returns the new path length.</summary>
    int AppendName(int prefixLength, JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        // A plain name is decoded straight into the path; an escaped one (rare) is unescaped by the reader.
        var name = raw.Contains((byte)'\\') ? property.Name : null;
        var start = prefixLength + 1;
        var needed = start + (name?.Length ?? Encoding.UTF8.GetMaxCharCount(raw.Length));
        if (needed > _path.Length) Array.Resize(ref _path, Math.Max(needed, _path.Length * 2));
        _path[prefixLength] = '.';
        if (name is null) return start + Encoding.UTF8.GetChars(raw, _path.AsSpan(start));
        name.CopyTo(_path.AsSpan(start));
        return start + name.Length;
    }

    static void Add(Dataset dataset, ReadOnlySpan<char> path, JsonElement value, ref int budget)
    {
        budget--;
        var fields = dataset.Fields.GetAlternateLookup<ReadOnlySpan<char>>();
        if (fields.TryGetValue(path, out var entry))
        {
            entry.Count++;
            return;
        }
        var field = path.ToString();
        var sample = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        fields[field] = new Entry(KindName(value.ValueKind), PersonalData.LooksPersonal(field, sample));
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

    sealed class Dataset(DataType dataType, string name)
    {
        public DataType DataType { get; } = dataType;
        public string Name { get; } = name;
        public Dictionary<string, Entry> Fields { get; } = new(StringComparer.Ordinal);
    }

    sealed class Entry(string valueType, bool personal)
    {
        public string ValueType { get; } = valueType;
        public bool Personal { get; } = personal;
        public long Count { get; set; } = 1;
    }
}
