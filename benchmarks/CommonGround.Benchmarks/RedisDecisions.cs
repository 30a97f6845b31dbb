using System.Diagnostics;
using System.Text;
using CommonGround.ContactPolicy;
using CommonGround.Ledger.Redis;
using static CommonGround.Benchmarks.Measure;

namespace CommonGround.Benchmarks;

/// <summary>
/// Real-time decisions against the Redis Cluster ledger: many concurrent callers in one process over
/// one connection (as one server node would run them), <see cref="ContactDecider.DecideAsync"/>
/// with <see cref="ContactCorpus.Policy"/> on <see cref="ContactCorpus.Customers"/>. A clock moves
/// on by <c>--step-ms</c> per decision, so customers meet their own history (and caps) as in the
/// micro benchmark. Each run writes under a key prefix of its own in the cluster.
/// </summary>
static class RedisDecisions
{
    public sealed record Settings(string Redis, int Customers, int Concurrency, int Seconds, int Warmup, int Runs, int StepMs, string OutDirectory);

    public static async Task<int> RunAsync(Settings s)
    {
        Console.WriteLine($"Load average at start: {Machine.LoadAverage():F2}");
        var scheduled = ContactCorpus.Campaigns(20, 42);
        var random = new Random(7);
        var requests = ContactCorpus.Customers(s.Customers, 42)
            .OrderBy(_ => random.Next())
            .Select(c =>
            {
                var campaign = scheduled[random.Next(scheduled.Count)].Facts;
                return new ContactRequest(c.Profile, campaign, c.Household, c.Zone, c.Consents[campaign.Channel], c.Lists);
            })
            .ToArray();
        await using var redis = await RedisContactLedger.ConnectAsync(s.Redis);
        var runs = new List<object>();
        var markdown = new StringBuilder()
            .AppendLine("| run | decisions/s | allowed | p50 ms | p99 ms | process CPU s | peak working set |")
            .AppendLine("|---|---|---|---|---|---|---|");
        for (var run = 1; run <= s.Runs; run++)
        {
            var prefix = $"bench{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}r{run}:";
            var clock = new SteppingClock(ContactCorpus.Week.AddHours(6), s.StepMs);
            var campaigns = new CampaignDirectory();
            var history = new PolicyHistory(ContactCorpus.Policy, "benchmark", campaigns, clock);
            var decider = new ContactDecider(history, new RedisContactLedger(campaigns, redis, prefix), clock);

            ResetPeakWorkingSet();
            var next = -1L;
            long decided = 0, allowed = 0;
            var timing = false;
            var latencies = new List<double>[s.Concurrency];
            using var stop = new CancellationTokenSource();
            var callers = Enumerable.Range(0, s.Concurrency).Select(caller => Task.Run(async () =>
            {
                var mine = latencies[caller] = new List<double>(1 << 16);
                while (!stop.IsCancellationRequested)
                {
                    var request = requests[Interlocked.Increment(ref next) % requests.Length];
                    var started = Stopwatch.GetTimestamp();
                    var decision = await decider.DecideAsync(request, CancellationToken.None);
                    if (!Volatile.Read(ref timing)) continue;
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    Interlocked.Increment(ref decided);
                    if (decision.Allowed) Interlocked.Increment(ref allowed);
                }
            })).ToList();
            await Task.Delay(TimeSpan.FromSeconds(s.Warmup));
            var cpuBefore = CpuTime();
            var watch = Stopwatch.StartNew();
            Volatile.Write(ref timing, true);
            await Task.Delay(TimeSpan.FromSeconds(s.Seconds));
            Volatile.Write(ref timing, false);
            var elapsed = watch.Elapsed;
            var cpu = CpuTime() - cpuBefore;
            var count = Interlocked.Read(ref decided);
            await stop.CancelAsync();
            await Task.WhenAll(callers);

            var all = latencies.SelectMany(l => l).Order().ToArray();
            double Percentile(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(p * all.Length))];
            var rate = count / elapsed.TotalSeconds;
            var share = count == 0 ? 0 : (double)allowed / count;
            runs.Add(new { run, decisions = count, seconds = elapsed.TotalSeconds, perSecond = rate, allowedShare = share,
                p50Ms = Percentile(0.50), p99Ms = Percentile(0.99), processCpuSeconds = cpu.TotalSeconds, peakWorkingSet = PeakWorkingSet(), prefix });
            markdown.AppendLine($"| {run} | {rate:N0} | {share:P1} | {Percentile(0.5):F2} | {Percentile(0.99):F2} | {cpu.TotalSeconds:F1} | {MiB(PeakWorkingSet())} |");
            Console.WriteLine($"run {run}: {rate:N0} decisions/s ({count:N0} in {elapsed.TotalSeconds:F1} s), {share:P1} allowed, p99 {Percentile(0.99):F2} ms");
        }
        var summary = new
        {
            mode = "redis-decisions", machine = Machine.Describe(), s.Customers, s.Concurrency, s.Seconds, s.Warmup, s.StepMs,
            nodes = redis.GetEndPoints().Length, runs,
        };
        Output.Write(s.OutDirectory, "redis-decisions", summary,
            $"## Redis Cluster decisions ({s.Customers:N0} customers, {s.Concurrency} callers, {redis.GetEndPoints().Length} nodes)\n\n{markdown}");
        return 0;
    }

    /// <summary>A clock that moves on by a fixed step each time it is read (once per decision); thread-safe.</summary>
    sealed class SteppingClock(DateTimeOffset start, int stepMs) : TimeProvider
    {
        long _ticks = start.UtcTicks;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Add(ref _ticks, stepMs * TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }
}
