using StackExchange.Redis;
using Xunit;

namespace CommonGround.Testing;

/// <summary>
/// The Redis Cluster that the test script starts (its seed nodes in <see cref="Variable"/>). Without
/// it a Redis test skips with the reason, except in CI, where a missing cluster is a failure. Each
/// test owns its keys through a prefix of its own (<see cref="NewPrefix"/>).
/// </summary>
public static class TestRedis
{
    public const string Variable = "COMMONGROUND_TEST_REDIS";

    /// <summary>The seed nodes, or a skip (a failure in CI) when none are configured.</summary>
    public static string Configuration()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(value)) return value;
        const string reason = Variable + " is not set: run ./test.sh, which starts a throw-away 3-node Redis Cluster.";
        if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 }) Assert.Fail(reason);
        Assert.Skip(reason);
        return "";
    }

    /// <summary>A connection of its own: each simulated server node has one, as real nodes would.</summary>
    public static async Task<ConnectionMultiplexer> ConnectAsync() => await ConnectionMultiplexer.ConnectAsync(Configuration());

    /// <summary>A key prefix no other test uses.</summary>
    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..12] + ":";
}
