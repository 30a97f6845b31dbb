using CommonGround.ContactPolicy;
using CommonGround.Ledger.Redis;
using CommonGround.Storage;
using StackExchange.Redis;

namespace CommonGround.Web.Hosting;

/// <summary>
/// Where the contact policy counts messages: <c>ContactPolicy:Ledger</c> = <c>embedded</c> (the
/// default, this process only) or <c>redis</c> (a Redis Cluster shared by every server node, reached
/// with the StackExchange.Redis configuration string in <c>ContactPolicy:Redis</c>, e.g.
/// <c>10.0.0.1:6379,10.0.0.2:6379,10.0.0.3:6379</c>).
/// </summary>
public sealed class ContactLedgerOptions
{
    public const string Section = "ContactPolicy";
    public const string EmbeddedLedger = "embedded", RedisLedger = "redis";

    public string Ledger { get; set; } = EmbeddedLedger;

    public string? Redis { get; set; }

    /// <summary>Put before every Redis key, so several workspaces can share one cluster.</summary>
    public string RedisKeyPrefix { get; set; } = RedisContactLedger.DefaultPrefix;
}

public static class ContactLedgerChoice
{
    /// <summary>
    /// With <c>ContactPolicy:Ledger</c> = <c>redis</c>, connects to Redis now (so an unreachable one
    /// stops the start with a message saying so) and puts the Redis ledger in place of the embedded
    /// one. Call after <see cref="ContactPolicyHosting.AddContactPolicy"/>.
    /// </summary>
    /// <exception cref="StoreUnavailableException">An unknown ledger, no Redis configuration, or Redis cannot be reached.</exception>
    public static async Task AddConfiguredContactLedgerAsync(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new ContactLedgerOptions();
        configuration.GetSection(ContactLedgerOptions.Section).Bind(options);
        if (string.Equals(options.Ledger, ContactLedgerOptions.EmbeddedLedger, StringComparison.OrdinalIgnoreCase)) return;
        if (!string.Equals(options.Ledger, ContactLedgerOptions.RedisLedger, StringComparison.OrdinalIgnoreCase))
            throw new StoreUnavailableException($"Unknown contact ledger '{options.Ledger}'. Set ContactPolicy:Ledger to 'embedded' (the default) or 'redis'.");
        if (string.IsNullOrWhiteSpace(options.Redis))
            throw new StoreUnavailableException(
                "ContactPolicy:Ledger is 'redis' but ContactPolicy:Redis is empty. Set it to the cluster's seed nodes, e.g. 10.0.0.1:6379,10.0.0.2:6379 " +
                "(environment variable ContactPolicy__Redis).");
        var redis = await RedisContactLedger.ConnectAsync(options.Redis);
        // Factory registrations, so the container disposes the connection at shutdown.
        services.AddSingleton<IConnectionMultiplexer>(_ => redis);
        services.AddSingleton<IContactLedger>(sp =>
            new RedisContactLedger(sp.GetRequiredService<CampaignDirectory>(), sp.GetRequiredService<IConnectionMultiplexer>(), options.RedisKeyPrefix));
    }
}
