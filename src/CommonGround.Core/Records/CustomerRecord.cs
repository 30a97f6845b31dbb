namespace CommonGround.Records;

/// <summary>
/// A customer as a team's system of record exports it (loyalty database, e-commerce platform).
/// The natural key is (SourceId, CustomerId): importing the same customer again updates it in place.
/// Columns the identity graph needs are typed; every other column is kept in <see cref="Traits"/>.
/// </summary>
public sealed record CustomerRecord
{
    public required string SourceId { get; init; }
    public required string CustomerId { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? AddressLine { get; init; }
    public string? PostalCode { get; init; }
    public string? City { get; init; }
    public string? Country { get; init; }
    public string? Company { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>JSON object of the remaining columns, by their names in the file.</summary>
    public string? Traits { get; init; }
}

/// <summary>
/// An order (transactional record). Natural key (SourceId, OrderId). Amounts are in the order's
/// currency, major units (12.50 means twelve and a half euros).
/// </summary>
public sealed record OrderRecord
{
    public required string SourceId { get; init; }
    public required string OrderId { get; init; }
    public required string CustomerId { get; init; }
    public required DateTimeOffset OrderedAt { get; init; }
    public required decimal Total { get; init; }
    public string? Currency { get; init; }
    public string? Status { get; init; }

    /// <summary>JSON object of the remaining columns.</summary>
    public string? Properties { get; init; }
}

/// <summary>What an upsert by natural key did: re-importing the same rows gives only Unchanged.</summary>
public sealed record UpsertResult(int Inserted, int Updated, int Unchanged)
{
    public static readonly UpsertResult Empty = new(0, 0, 0);

    public UpsertResult Add(UpsertResult other) =>
        new(Inserted + other.Inserted, Updated + other.Updated, Unchanged + other.Unchanged);
}
