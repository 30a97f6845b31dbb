using CommonGround.ContactPolicy;
using CommonGround.Testing;
using StackExchange.Redis;

namespace CommonGround.Ledger.Redis.Tests;

/// <summary>The Redis Cluster ledger against the conformance suite every ledger passes; each test has its own key prefix.</summary>
public sealed class RedisContactLedgerConformanceTests : ContactLedgerConformanceTests, IAsyncDisposable
{
    ConnectionMultiplexer? _redis;

    protected override async Task<IContactLedger> CreateLedgerAsync(CampaignDirectory campaigns)
    {
        _redis ??= await TestRedis.ConnectAsync();
        return new RedisContactLedger(campaigns, _redis, TestRedis.NewPrefix());
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null) await _redis.DisposeAsync();
    }
}
