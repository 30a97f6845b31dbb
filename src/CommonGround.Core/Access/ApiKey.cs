namespace CommonGround.Access;

public enum ApiKeyRole
{
    /// <summary>Sees and changes everything in the workspace.</summary>
    Admin,

    /// <summary>Sees its own team's sources and data, and what the catalog allows its team.</summary>
    Team,
}

/// <summary>
/// A bearer key for <c>/api/*</c>. Only the SHA-256 of the secret is stored; the secret is shown
/// once, when the key is created. <see cref="Team"/> is set exactly when the role is Team.
/// </summary>
public sealed record ApiKey
{
    public required string Id { get; init; }
    public required string SecretHash { get; init; }
    public required ApiKeyRole Role { get; init; }
    public string? Team { get; init; }
    public string? Name { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }

    public bool IsActive => RevokedAt is null;
}
