using CommonGround.Catalog;

namespace CommonGround.Import;

/// <summary>
/// Counts the fields of the records built since the last <see cref="Drain"/>, per dataset, as catalog
/// observations. Not thread-safe.
/// </summary>
public sealed class CatalogTally
{
    readonly Dictionary<CatalogFieldKey, (string ValueType, long Count)> fields = [];

    public void Add(DataType dataType, string dataset, string field, string valueType)
    {
        var key = new CatalogFieldKey(dataType, dataset, field);
        fields[key] = fields.TryGetValue(key, out var seen)
            ? (seen.ValueType == valueType || valueType == "null" ? seen.ValueType : valueType, seen.Count + 1)
            : (valueType, 1);
    }

    /// <summary>The observations counted so far, for a source of <paramref name="team"/>; the tally starts again empty.</summary>
    public IReadOnlyCollection<CatalogObservation> Drain(string team, DateTimeOffset seenAt)
    {
        var observations = fields
            .Select(f => new CatalogObservation(f.Key, f.Value.ValueType, team, PersonalData.LooksPersonal(f.Key.Field),
                f.Value.Count, seenAt))
            .ToList();
        fields.Clear();
        return observations;
    }
}
