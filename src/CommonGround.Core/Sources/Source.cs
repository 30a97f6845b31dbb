namespace CommonGround.Sources;

/// <summary>
/// Where events come from: one tool or export of one team ("web" team's site, "retail media"'s ad
/// server). Each source has its own write key; a disabled source's calls are refused with 403.
/// </summary>
/// <remarks>
/// Write keys are publishable identifiers (they ship inside web pages and apps), as in Segment and
/// RudderStack, so they are stored as issued. API keys, which grant reading, are stored hashed.
/// </remarks>
public sealed record Source
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Team { get; init; }
    public required string WriteKey { get; init; }
    public bool Enabled { get; init; } = true;
    public required DateTimeOffset CreatedAt { get; init; }
}
