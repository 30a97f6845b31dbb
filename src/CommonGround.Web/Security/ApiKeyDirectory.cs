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

    public void Forget() => _cache.Clear();
}
