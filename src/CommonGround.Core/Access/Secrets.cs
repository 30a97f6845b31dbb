using System.Security.Cryptography;
using System.Text;

namespace CommonGround.Access;

/// <summary>Mints API keys and write keys, and hashes secrets for storage and lookup.</summary>
public static class Secrets
{
    const string ApiKeyPrefix = "cg_";
    const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>
    /// A new API key and its secret. The secret reads <c>cg_&lt;id&gt;_&lt;random&gt;</c>, so a leaked key
    /// names the id to revoke; only its hash is kept.
    /// </summary>
    public static (ApiKey Key, string Secret) MintApiKey(ApiKeyRole role, string? team, string? name, DateTimeOffset now)
    {
        if (role == ApiKeyRole.Team && string.IsNullOrWhiteSpace(team))
            throw new ArgumentException("A team key needs a team.", nameof(team));
        if (role == ApiKeyRole.Admin && team is not null)
            throw new ArgumentException("An admin key sees every team; give no team.", nameof(team));
        var id = Random(10);
        var secret = $"{ApiKeyPrefix}{id}_{Random(32)}";
        return (SeededApiKey(id, secret, role, team?.Trim(), name, now), secret);
    }

    /// <summary>An API key for a secret chosen elsewhere (COMMONGROUND_ADMIN_KEY, for automation).</summary>
    public static ApiKey SeededApiKey(string id, string secret, ApiKeyRole role, string? team, string? name, DateTimeOffset now) => new()
    {
        Id = id,
        SecretHash = Hash(secret),
        Role = role,
        Team = team,
        Name = name,
        CreatedAt = now,
    };

    /// <summary>A write key for a source: long, random, URL- and Basic-auth-safe.</summary>
    public static string NewWriteKey() => Random(32);

    /// <summary>A short random id for sources and rejects.</summary>
    public static string NewId() => Random(12);

    /// <summary>SHA-256 of the secret, hex. Keys are long and random, so a fast hash is the right one.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    static string Random(int length) => RandomNumberGenerator.GetString(Alphabet, length);
}
