using System.Collections.Concurrent;
using CommonGround.Access;
using CommonGround.Storage;

namespace CommonGround.Web.Security;

/// <summary>
/// Looks API keys up by secret, with a short cache so a busy client costs one store read every few
/// seconds. A key revoked through this server stops working at once; through another, within
/// <see cref="Ttl"/>.
/// </summary>
public sealed class ApiKeyDirectory(IStore store, TimeProvider time)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);
    readonly ConcurrentDictionary<string, (ApiKey? Key, DateTimeOffset Until)> _cache = new();
    volatile ActiveKeys? _active;

    sealed record ActiveKeys(HashSet<string> Ids, DateTimeOffset Until);

    public async Task<ApiKey?> FindAsync(string secret, CancellationToken ct)
    {
        var hash = Secrets.Hash(secret);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(hash, out var hit) && hit.Until > now) return hit.Key;
        var key = await store.ApiKeys.FindBySecretHashAsync(hash, ct);
        if (key is { IsActive: false }) key = null;
        if (_cache.Count > 10_000) _cache.Clear();
        _cache[hash] = (key, now + Ttl);
        return key;
    }

    /// <summary>
    /// Whether the key with this id exists and is not revoked: a UI session holds the key's id, not its
    /// secret, and ends when the key is revoked (through this server at once, through another within <see cref="Ttl"/>).
    /// </summary>
    public async Task<bool> IsActiveAsync(string keyId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_active is not { } active || active.Until <= now)
        {
            var keys = await store.ApiKeys.ListAsync(ct);
            active = new ActiveKeys([.. keys.Where(k => k.IsActive).Select(k => k.Id)], now + Ttl);
            _active = active;
        }
        return active.Ids.Contains(keyId);
    }

    public void Forget()
    {
        _cache.Clear();
        _active = null;
    }
}
