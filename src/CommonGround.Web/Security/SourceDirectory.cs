using System.Collections.Concurrent;
using CommonGround.Sources;
using CommonGround.Storage;

namespace CommonGround.Web.Security;

/// <summary>
/// Looks sources up by write key for the tracking API, with a short cache: the hot path of ingestion
/// must not read the store per request. Changes made through this server apply at once; through
/// another, within <see cref="Ttl"/>.
/// </summary>
public sealed class SourceDirectory(IStore store, TimeProvider time)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);
    readonly ConcurrentDictionary<string, (Source? Source, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public async ValueTask<Source?> FindByWriteKeyAsync(string writeKey, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(writeKey, out var hit) && hit.Until > now) return hit.Source;
        var source = await store.Sources.FindByWriteKeyAsync(writeKey, ct);
        if (_cache.Count > 10_000) _cache.Clear();
        _cache[writeKey] = (source, now + Ttl);
        return source;
    }

    public void Forget() => _cache.Clear();
}
