namespace CommonGround.Catalog;

/// <summary>Identifies one field of one dataset, e.g. (Transactional, "Order Completed", "properties.revenue").</summary>
public sealed record CatalogFieldKey(DataType DataType, string Dataset, string Field);

/// <summary>
/// One entry of the data catalog: a field that has arrived (or was declared), who owns it and whether
/// it is personal data. Owner and personal flag are first inferred from what arrives; once a person
/// edits them (<see cref="Declared"/>), arriving data never overrides the edit.
/// </summary>
public sealed record CatalogField
{
    public required CatalogFieldKey Key { get; init; }

    /// <summary>JSON value kind last seen: string, number, boolean, object, array or null.</summary>
    public required string ValueType { get; init; }

    public required string OwnerTeam { get; init; }
    public required bool Personal { get; init; }

    /// <summary>True once a person has set the owner, the personal flag or the description.</summary>
    public bool Declared { get; init; }

    public string? Description { get; init; }

    /// <summary>
    /// Teams besides the owner that may read the field when it is personal ("*" for every team).
    /// Admins always may. See <c>PersonalDataPolicy</c>.
    /// </summary>
    public IReadOnlyList<string> SharedWith { get; init; } = [];

    public required DateTimeOffset FirstSeen { get; init; }
    public required DateTimeOffset LastSeen { get; init; }
    public required long SeenCount { get; init; }
}

/// <summary>What one batch of arriving data says about one field; the store adds it to the catalog.</summary>
/// <param name="Team">The team of the source that sent it: the owner if the field is new.</param>
/// <param name="LooksPersonal">Inferred from the field's name or a sample value.</param>
public sealed record CatalogObservation(
    CatalogFieldKey Key,
    string ValueType,
    string Team,
    bool LooksPersonal,
    long Count,
    DateTimeOffset SeenAt);

/// <summary>A person's edit of a catalog field; null members are left as they are.</summary>
/// <param name="SharedWith">Replaces the list of teams the field is shared with; an empty list shares it with none.</param>
public sealed record CatalogFieldEdit(string? OwnerTeam, bool? Personal, string? Description, IReadOnlyList<string>? SharedWith = null);

/// <summary>How stores keep <see cref="CatalogField.SharedWith"/>: a JSON array of team names.</summary>
public static class CatalogSharing
{
    public static string? Write(IReadOnlyList<string>? teams) =>
        teams is null ? null : System.Text.Json.JsonSerializer.Serialize(teams.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToArray());

    public static IReadOnlyList<string> Read(string? json) =>
        string.IsNullOrEmpty(json) ? [] : System.Text.Json.JsonSerializer.Deserialize<string[]>(json) ?? [];
}
