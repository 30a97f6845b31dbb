namespace CommonGround.Import;

/// <summary>What became of one row: a record, or the reason it was rejected (a person can act on it).</summary>
public readonly record struct RowOutcome<T>(T? Record, string? Reason) where T : class
{
    public static RowOutcome<T> Ok(T record) => new(record, null);
    public static RowOutcome<T> Reject(string reason) => new(null, reason);
}
