namespace CommonGround.Catalog;

/// <summary>One key's observations summed: what a store writes once per key and batch.</summary>
public sealed record MergedObservation(
    CatalogFieldKey Key,
    string ValueType,
    string Team,
    bool LooksPersonal,
    long Count,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen);

public static class CatalogObservations
{
    /// <summary>
    /// Sums observations of the same key: counts add up, the personal guess is kept if any says so,
    /// the team and value type of the latest one win.
    /// </summary>
    public static IReadOnlyCollection<MergedObservation> Merge(IEnumerable<CatalogObservation> observations)
    {
        var merged = new Dictionary<CatalogFieldKey, MergedObservation>();
        foreach (var o in observations)
        {
            merged[o.Key] = merged.TryGetValue(o.Key, out var m)
                ? m with
                {
                    ValueType = o.SeenAt >= m.LastSeen ? o.ValueType : m.ValueType,
                    LooksPersonal = m.LooksPersonal || o.LooksPersonal,
                    Count = m.Count + o.Count,
                    FirstSeen = o.SeenAt < m.FirstSeen ? o.SeenAt : m.FirstSeen,
                    LastSeen = o.SeenAt > m.LastSeen ? o.SeenAt : m.LastSeen,
                }
                : new MergedObservation(o.Key, o.ValueType, o.Team, o.LooksPersonal, o.Count, o.SeenAt, o.SeenAt);
        }
        return merged.Values;
    }
}
