using System.Diagnostics;
using System.Text;
using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using DuckDB.NET.Data;
using static CommonGround.Benchmarks.Measure;

namespace CommonGround.Benchmarks;

/// <summary>
/// Batch arbitration at scale (<c>arbitration</c> mode): customers × campaigns planned sends from
/// <see cref="ContactCorpus"/>, arbitrated with the full policy (timed, peak memory), again with a
/// single daily cap, and that single-cap problem in plain SQL on DuckDB (ROW_NUMBER per customer
/// and local day) as the peer. The plan is built before any clock starts.
/// </summary>
/// <remarks>
/// Checks: every full-policy run keeps exactly the same sends (a fingerprint of the kept set), and the
/// single-cap arbitration keeps exactly the sends SQL keeps (count and sum of send numbers); the
/// program exits 1 otherwise. SQL gets the customer's local day precomputed by CommonGround's calendar,
/// which favours SQL.
/// </remarks>
static class ContactArbitration
{
    public sealed record Settings(int Customers, int Campaigns, int Runs, int SqlRuns, int Parallelism, int Seed, string OutDirectory);

    public sealed record RunResult(int Run, string Policy, double Seconds, double CpuSeconds, long AllocatedBytes, long PeakWorkingSetBytes,
        double GcPauseSeconds, long Kept, long HeldBack, long KeptIndexSum, ulong Fingerprint);

    public sealed record SqlResult(int Run, double Seconds, double CpuSeconds, long Kept, long KeptIndexSum);

    public static async Task<int> RunAsync(Settings s)
    {
        Console.WriteLine($"Load average at start: {Machine.LoadAverage():F2}");
        var clock = Stopwatch.StartNew();
        var campaigns = ContactCorpus.Campaigns(s.Campaigns, s.Seed);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var plan = ContactCorpus.Plan(s.Customers, campaigns, s.Seed);
        var planBytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        Console.WriteLine($"Plan: {plan.CustomerCount:N0} customers, {plan.SendCount:N0} planned sends of {plan.Campaigns.Count} campaigns, " +
            $"built in {clock.Elapsed.TotalSeconds:F1} s, holding {MiB(planBytes)}.");
        var failures = new List<string>();
        var time = new FixedClock(ContactCorpus.Week.AddDays(-1));

        var full = new List<RunResult>();
        ArbitrationResult? last = null;
        for (var run = 1; run <= s.Runs; run++)
        {
            last = null;
            var (result, arbitration) = Arbitrate(run, "full", ContactCorpus.Policy, plan, time, s.Parallelism);
            full.Add(result);
            last = arbitration;
            if (result.Fingerprint != full[0].Fingerprint) failures.Add($"full run {run} kept other sends than run 1");
        }
        var explanations = Explanations(last!, plan);

        var single = new List<RunResult>();
        for (var run = 1; run <= Math.Max(s.SqlRuns, 1); run++)
            single.Add(Arbitrate(run, "single cap", ContactCorpus.SingleCap, plan, time, s.Parallelism).Result);
        last = null;
        GC.Collect();

        var (loadSeconds, sql) = s.SqlRuns > 0 ? await SqlBaselineAsync(plan, s.SqlRuns) : (0, []);
        foreach (var r in sql)
        {
            if (r.Kept != single[0].Kept || r.KeptIndexSum != single[0].KeptIndexSum)
                failures.Add($"SQL run {r.Run} kept {r.Kept:N0} sends (sum {r.KeptIndexSum}), CommonGround {single[0].Kept:N0} (sum {single[0].KeptIndexSum})");
        }

        var fullMedian = IngestLoad.Median(full.Select(r => r.Seconds));
        var singleMedian = IngestLoad.Median(single.Select(r => r.Seconds));
        var sqlMedian = sql.Count > 0 ? IngestLoad.Median(sql.Select(r => r.Seconds)) : double.NaN;
        var summary = new
        {
            mode = "arbitration",
            customers = s.Customers,
            campaigns = s.Campaigns,
            plannedSends = plan.SendCount,
            parallelism = s.Parallelism > 0 ? s.Parallelism : Environment.ProcessorCount,
            seed = s.Seed,
            planBytes,
            machine = Machine.Describe(),
            loadAverageAtEnd = Machine.LoadAverage(),
            medianFullSeconds = Math.Round(fullMedian, 3),
            medianSingleCapSeconds = Math.Round(singleMedian, 3),
            sqlLoadSeconds = Math.Round(loadSeconds, 3),
            medianSqlSeconds = Math.Round(sqlMedian, 3),
            singleCapOverSql = Math.Round(singleMedian / sqlMedian, 3),
            full,
            single,
            sql,
            explanations,
            failures,
        };
        var table = new StringBuilder()
            .AppendLine($"{plan.SendCount:N0} planned sends ({s.Customers:N0} customers × {s.Campaigns} campaigns), plan holds {MiB(planBytes)}; " +
                $"{summary.parallelism} threads; load average {Machine.LoadAverage():F2} at the end.")
            .AppendLine()
            .AppendLine("| measure | median (wall) | runs (wall) | median CPU | kept / held back | peak working set |")
            .AppendLine("|---|---:|---|---:|---|---:|")
            .AppendLine(Row("arbitration, full policy", full))
            .AppendLine(Row("arbitration, single daily cap", single))
            .AppendLine($"| SQL ROW_NUMBER, single daily cap (DuckDB) | {sqlMedian:F2} s | {Join(sql.Select(r => r.Seconds), "F2")} | " +
                $"{(sql.Count > 0 ? IngestLoad.Median(sql.Select(r => r.CpuSeconds)) : double.NaN):F2} s | {(sql.Count > 0 ? sql[0].Kept : 0):N0} kept | |")
            .AppendLine($"| SQL load (appender) | {loadSeconds:F2} s | | | | |")
            .AppendLine()
            .AppendLine($"Single cap, CommonGround / SQL: {singleMedian / sqlMedian:F2} (with the SQL load: {singleMedian / (sqlMedian + loadSeconds):F2}).")
            .AppendLine()
            .AppendLine("Explanations of the first held-back sends:")
            .AppendLine()
            .AppendJoin(Environment.NewLine, explanations.Select(e => "- " + e))
            .AppendLine();
        Output.Write(s.OutDirectory, $"arbitration-{s.Customers / 1000}k-x{s.Campaigns}", summary, table.ToString());

        foreach (var failure in failures) Console.Error.WriteLine("MISMATCH " + failure);
        return failures.Count == 0 ? 0 : 1;
    }

    static string Row(string what, List<RunResult> runs) =>
        $"| {what} | {IngestLoad.Median(runs.Select(r => r.Seconds)):F2} s | {Join(runs.Select(r => r.Seconds), "F2")} | " +
        $"{IngestLoad.Median(runs.Select(r => r.CpuSeconds)):F2} s | {runs[0].Kept:N0} / {runs[0].HeldBack:N0} | {MiB((long)IngestLoad.Median(runs.Select(r => (double)r.PeakWorkingSetBytes)))} |";

    static (RunResult Result, ArbitrationResult Arbitration) Arbitrate(int run, string name, ContactPolicyDefinition definition, ContactPlan plan, TimeProvider time, int parallelism)
    {
        var campaigns = new CampaignDirectory();
        var history = new PolicyHistory(definition, "benchmark", campaigns, time);
        var arbitrator = new Arbitrator(history, new InMemoryContactLedger(campaigns), time);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        ResetPeakWorkingSet();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var paused = GC.GetTotalPauseDuration();
        var cpu = CpuTime();
        var started = Stopwatch.GetTimestamp();
        var result = arbitrator.Run(plan, parallelism);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpuSeconds = (CpuTime() - cpu).TotalSeconds;
        var peak = PeakWorkingSet();
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        paused = GC.GetTotalPauseDuration() - paused;

        ulong fingerprint = 14695981039346656037UL;
        long indexSum = 0;
        for (var send = 0; send < plan.SendCount; send++)
        {
            if (!result.IsKept(send)) continue;
            fingerprint = (fingerprint ^ (ulong)send) * 1099511628211UL;
            indexSum += send;
        }
        var r = new RunResult(run, name, seconds, cpuSeconds, allocated, peak, paused.TotalSeconds, result.Kept, result.HeldBack, indexSum, fingerprint);
        var by = result.Campaigns.SelectMany(c => c.HeldBackBy).GroupBy(p => p.Key).Select(g => $"{g.Key} {g.Sum(p => p.Value):N0}");
        Console.WriteLine($"{name} run {run}: {seconds:F2} s ({cpuSeconds:F2} CPU s, {plan.SendCount / seconds:N0} sends/s); kept {result.Kept:N0}, held back {result.HeldBack:N0} " +
            $"({string.Join(", ", by)}); allocated {MiB(allocated)}, GC pauses {paused.TotalSeconds:F2} s, peak working set {MiB(peak)}");
        return (r, result);
    }

    /// <summary>The explanations of the first held-back sends (each a fresh replay of its household), and how long 1,000 take.</summary>
    static List<string> Explanations(ArbitrationResult result, ContactPlan plan)
    {
        var held = result.HeldBackSends().Take(1000).ToList();
        var started = Stopwatch.GetTimestamp();
        var texts = held.Select(s => $"{s.Campaign.Name} ({s.Campaign.Team}) to {s.Profile}: {string.Join("; ", result.Explain(s.Index).Select(r => r.Text))}").ToList();
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Console.WriteLine($"Explained {held.Count:N0} held-back sends in {ms:F0} ms ({ms * 1000 / Math.Max(held.Count, 1):F0} µs each).");
        var distinct = texts.Select(t => t[(t.IndexOf(": ", StringComparison.Ordinal) + 2)..]).Distinct().Count();
        return [.. texts.Take(6), $"({held.Count:N0} explained in {ms:F0} ms, {distinct} different sentences)"];
    }

    static async Task<(double LoadSeconds, List<SqlResult> Runs)> SqlBaselineAsync(ContactPlan plan, int runs)
    {
        var directory = Path.Combine(Path.GetTempPath(), "cg-arbitration-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(directory);
        try
        {
            using var connection = new DuckDBConnection($"Data Source={Path.Combine(directory, "plan.duckdb")}");
            await connection.OpenAsync();
            Sql.Execute(connection, "CREATE TABLE send (idx INTEGER, customer INTEGER, local_day INTEGER, rank INTEGER, seconds INTEGER, counted BOOLEAN, blocked BOOLEAN)");

            // What SQL is given: the arbitration rank of each campaign, the customer's local day of each send, and
            // whether consent or a suppression list blocks it (computed here, as a data team would in its pipeline).
            var campaigns = plan.Campaigns;
            var rank = new int[campaigns.Count];
            var ordered = Enumerable.Range(0, campaigns.Count).OrderByDescending(c => campaigns[c].Priority)
                .ThenByDescending(c => campaigns[c].ExpectedValue).ThenBy(c => campaigns[c].Id, StringComparer.Ordinal).ToArray();
            for (var r = 0; r < ordered.Length; r++) rank[ordered[r]] = r;
            var started = Stopwatch.GetTimestamp();
            using (var appender = connection.CreateAppender("send"))
            {
                for (var s = 0; s < plan.SendCount; s++)
                {
                    var customer = plan.CustomerOf(s);
                    var campaign = campaigns[plan.CampaignOf(s)];
                    var transactional = campaign.Category == CampaignCategory.Transactional;
                    var blocked = (campaign.Channel == Channel.Email && plan.SuppressionLists(customer).Count > 0)
                        || (!transactional && plan.Consents(customer)[campaign.Channel] == Consent.Refused);
                    var localDay = plan.TimeZone(customer)!.DayOf(plan.TimeOf(s).UtcTicks).Date.DayNumber;
                    appender.CreateRow().AppendValue(s).AppendValue(customer).AppendValue(localDay).AppendValue(rank[plan.CampaignOf(s)])
                        .AppendValue((int)(plan.TimeOf(s) - plan.Start).TotalSeconds).AppendValue(!transactional).AppendValue(blocked).EndRow();
                }
            }
            var load = Stopwatch.GetElapsedTime(started).TotalSeconds;
            Console.WriteLine($"SQL: {plan.SendCount:N0} rows appended in {load:F2} s.");

            const string Query = """
                SELECT count(*)::BIGINT, sum(idx)::BIGINT FROM (
                    SELECT idx FROM (
                        SELECT idx, row_number() OVER (PARTITION BY customer, local_day ORDER BY rank, seconds, idx) AS n
                        FROM send WHERE counted AND NOT blocked)
                    WHERE n <= 2
                    UNION ALL
                    SELECT idx FROM send WHERE NOT counted AND NOT blocked)
                """;
            var results = new List<SqlResult>();
            for (var run = 1; run <= runs; run++)
            {
                var cpu = CpuTime();
                started = Stopwatch.GetTimestamp();
                using var command = connection.CreateCommand();
                command.CommandText = Query;
                using var reader = command.ExecuteReader();
                reader.Read();
                var (kept, sum) = (reader.GetInt64(0), reader.GetInt64(1));
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                var cpuSeconds = (CpuTime() - cpu).TotalSeconds;
                var result = new SqlResult(run, seconds, cpuSeconds, kept, sum);
                results.Add(result);
                Console.WriteLine($"SQL run {run}: {result.Kept:N0} kept in {seconds:F2} s ({cpuSeconds:F2} CPU s)");
            }
            return (load, results);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
