namespace CommonGround.Import;

/// <summary>What a file holds, and so which record its rows become.</summary>
public enum ImportKind
{
    /// <summary>Customer records: one <see cref="Records.CustomerRecord"/> per row.</summary>
    Customers,

    /// <summary>Orders (transactional): one <see cref="Records.OrderRecord"/> per row.</summary>
    Orders,

    /// <summary>Tracked events: one <see cref="Events.TrackedEvent"/> per row.</summary>
    Events,
}

/// <summary>The typed fields a row can be mapped to, per kind, by their snake_case names.</summary>
public static class ImportTargets
{
    public static readonly IReadOnlyList<string> Customers =
    [
        "customer_id", "email", "phone", "first_name", "last_name", "address_line", "postal_code", "city",
        "country", "company", "created_at",
    ];

    public static readonly IReadOnlyList<string> Orders =
        ["order_id", "customer_id", "ordered_at", "total", "currency", "status"];

    public static readonly IReadOnlyList<string> Events =
        ["type", "event", "user_id", "anonymous_id", "timestamp", "message_id", "group_id", "previous_id"];

    public static IReadOnlyList<string> For(ImportKind kind) => kind switch
    {
        ImportKind.Customers => Customers,
        ImportKind.Orders => Orders,
        ImportKind.Events => Events,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>
    /// Targets that must have a column before any row is read. Events need user_id or anonymous_id;
    /// that either-or is checked separately.
    /// </summary>
    public static IReadOnlyList<string> RequiredColumns(ImportKind kind) => kind switch
    {
        ImportKind.Customers => ["customer_id"],
        ImportKind.Orders => ["order_id", "customer_id", "ordered_at", "total"],
        ImportKind.Events => ["timestamp"],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string ToName(this ImportKind kind) => kind switch
    {
        ImportKind.Customers => "customers",
        ImportKind.Orders => "orders",
        ImportKind.Events => "events",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static bool TryParse(string? name, out ImportKind kind)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "customers" or "customer": kind = ImportKind.Customers; return true;
            case "orders" or "order": kind = ImportKind.Orders; return true;
            case "events" or "event": kind = ImportKind.Events; return true;
            default: kind = default; return false;
        }
    }
}
