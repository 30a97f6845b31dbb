using CommonGround.Events;

namespace CommonGround.Catalog;

/// <summary>
/// Sorts arriving data into the catalog's data types and datasets. A track event's dataset is its
/// name; other calls are datasets of their own ("identify", "page", ...). Orders, refunds and
/// payments are transactional, consent and subscription changes are consent, identify and group
/// are profile, the rest is behavioural.
/// </summary>
public static class CatalogClassifier
{
    static readonly string[] TransactionalWords = ["order", "refund", "purchase", "payment", "checkout completed", "subscription renewed", "invoice"];
    static readonly string[] ConsentWords = ["consent", "unsubscribe", "opt in", "opt-in", "opted in", "opt out", "opt-out", "opted out", "subscribed", "subscription preference"];

    public static (DataType DataType, string Dataset) Classify(EventType type, string? name) => type switch
    {
        EventType.Identify => (DataType.Profile, "identify"),
        EventType.Group => (DataType.Profile, "group"),
        EventType.Alias => (DataType.Profile, "alias"),
        EventType.Page => (DataType.Behavioural, "page"),
        EventType.Screen => (DataType.Behavioural, "screen"),
        _ => (ClassifyTrack(name ?? ""), name ?? "(unnamed)"),
    };

    static DataType ClassifyTrack(string name)
    {
        var lower = name.ToLowerInvariant();
        if (ConsentWords.Any(lower.Contains)) return DataType.Consent;
        if (TransactionalWords.Any(lower.Contains)) return DataType.Transactional;
        return DataType.Behavioural;
    }
}
