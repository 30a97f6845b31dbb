using BenchmarkDotNet.Attributes;
using CommonGround.Campaigns;
using CommonGround.ContactPolicy;

namespace CommonGround.Benchmarks;

/// <summary>
/// Real-time contact decisions in-process on one thread: <see cref="ContactDecider.DecideAsync"/>
/// against the in-memory ledger with <see cref="ContactCorpus.Policy"/> (8 caps, quiet hours, a gap,
/// consent, a suppression list), 100,000 customers in 8 zones, 40% in households, 20 campaigns.
/// Each operation is one decision; a manual clock moves on by <see cref="Step"/> per decision, so
/// every customer is asked again every 100,000 steps and the ledger holds days of history.
/// Decisions/s is 1 / Mean. Peer: a plain Dictionary of per-customer day counters (one cap, no
/// time zones beyond a fixed offset, no locking, no reasons).
/// </summary>
/// <remarks>
/// <c>Step</c> 500 ms: each customer every ~14 hours, a mix of allowed and held back (the realistic
/// case). 1 ms: each customer every 100 s, nearly all held back by a cap, each with its reasons (the
/// worst case for allocation).
/// </remarks>
[MemoryDiagnoser]
public class ContactDecisionBenchmarks
{
    const int Operations = 1000, Customers = 100_000;
    ManualClock _clock = null!;
    ContactDecider _decider = null!;
    ContactRequest[] _requests = [];
    Dictionary<long, (long Day, int Count)> _counters = [];
    int _next;
    long _allowed, _decisions;

    [Params(500, 1)]
    public int Step { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _clock = new ManualClock(ContactCorpus.Week.AddHours(6));
        var campaigns = new CampaignDirectory();
        var history = new PolicyHistory(ContactCorpus.Policy, "benchmark", campaigns, _clock);
        _decider = new ContactDecider(history, new InMemoryContactLedger(campaigns), _clock);
        var scheduled = ContactCorpus.Campaigns(20, 42);
        var random = new Random(7);
        // Customers in a shuffled order, each with a campaign: a triggered message arriving for someone.
        // Each request and its household text are made in the order they are used, as a request
        // freshly read from the network would sit in memory.
        _requests = ContactCorpus.Customers(Customers, 42)
            .OrderBy(_ => random.Next())
            .ToList()
            .Select(c =>
            {
                var campaign = scheduled[random.Next(scheduled.Count)].Facts;
                return new ContactRequest(c.Profile, campaign, c.Household is null ? null : new string(c.Household), c.Zone,
                    c.Consents[campaign.Channel], c.Lists);
            })
            .ToArray();
        _counters = new Dictionary<long, (long, int)>(Customers);
        // Warm the ledger with two simulated days, so decisions meet history.
        for (var i = 0; i < Math.Min(2 * 86_400_000L / Step, 2_000_000) / Operations; i++) Decide();
        (_allowed, _decisions) = (0, 0);
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public long Decide()
    {
        long allowed = 0;
        for (var i = 0; i < Operations; i++)
        {
            if (_decider.DecideAsync(Next(), CancellationToken.None).Result.Allowed) allowed++;
        }
        _allowed += allowed;
        _decisions += Operations;
        return allowed;
    }

    [Benchmark(OperationsPerInvoke = Operations, Baseline = true)]
    public long DictionaryOfCounters()
    {
        long allowed = 0;
        for (var i = 0; i < Operations; i++)
        {
            var request = Next();
            var day = (_clock.Ticks + TimeSpan.TicksPerHour) / TimeSpan.TicksPerDay;
            var key = request.Profile.Value;
            var (seen, count) = _counters.GetValueOrDefault(key);
            if (seen != day) count = 0;
            if (count < 2)
            {
                _counters[key] = (day, count + 1);
                allowed++;
            }
        }
        return allowed;
    }

    /// <summary>The next customer's request, a step later.</summary>
    ContactRequest Next()
    {
        _clock.Advance(Step);
        var request = _requests[_next];
        _next = _next + 1 == _requests.Length ? 0 : _next + 1;
        return request;
    }

    [GlobalCleanup]
    public void Report()
    {
        if (_decisions > 0) Console.WriteLine($"// Step {Step} ms: {_allowed * 100.0 / _decisions:F1}% of {_decisions:N0} decisions allowed");
    }

    /// <summary>A clock the benchmark moves by hand.</summary>
    sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public long Ticks { get; private set; } = start.UtcTicks;

        public void Advance(int milliseconds) => Ticks += milliseconds * TimeSpan.TicksPerMillisecond;

        public override DateTimeOffset GetUtcNow() => new(Ticks, TimeSpan.Zero);
    }
}
