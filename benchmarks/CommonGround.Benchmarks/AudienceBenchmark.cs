using System.Diagnostics;
using System.Globalization;
using System.Text;
using CommonGround.Audiences;
using CommonGround.Audiences.Sql;
using CommonGround.Storage.DuckDb;
using DuckDB.NET.Data;

namespace CommonGround.Benchmarks;

/// <summary>
/// The audience benchmark (<c>audiences</c> mode) on a store written by <see cref="AudienceStoreGenerator"/>:
/// an audience of five conditions (two of them event aggregates) through the product's own path
/// (<c>IAudienceStore.PreviewAsync</c>: count, households, sample and reach; and the compiled count
/// alone), beside a hand-written query of the same members on the same engine and tables. The members
/// of both are compared before any clock starts; the program exits 1 when they differ.
/// </summary>
static class AudienceBenchmark
{
    /// <param name="Only">"audience" or "overlap" to run one part only; empty for both.</param>
    public sealed record Settings(string DataDirectory, int Runs, string OutDirectory, string Only = "");

    /// <summary>The audience measured: a trait, two event aggregates, an absence of events and a consent.</summary>
    public const string Rule = """
        loyalty_tier in ("gold", "silver")
        and count of "Order Completed" in the last 180 days >= 2
        and no "Order Completed" in the last 30 days
        and sum of revenue in "Order Completed" in the last 365 days > 100
        and consent email for marketing
        """;

    /// <summary>
    /// The same members as an analyst would write them by hand: one pass over the year's orders,
    /// grouped by person with the three tests in HAVING, joined to traits and consents.
    /// Parameters: $1 = as of - 365 days, $2 = as of - 180 days, $3 = as of - 30 days, $4 = as of.
    /// </summary>
    public const string HandWritten = """
        SELECT t.profile_id, t.household_id
        FROM profile_traits t
        JOIN (
            SELECT coalesce(s.survivor_id, e.profile_id) AS profile_id
            FROM events e LEFT JOIN profile_survivors s ON s.profile_id = e.profile_id
            WHERE e.type = 'track' AND e.name = 'Order Completed' AND e.timestamp >= $1 AND e.timestamp < $4
            GROUP BY 1
            HAVING count(*) FILTER (WHERE e.timestamp >= $2) >= 2
               AND count(*) FILTER (WHERE e.timestamp >= $3) = 0
               AND sum(TRY_CAST(json_extract_string(e.properties, '$.revenue') AS DOUBLE)) > 100
        ) o ON o.profile_id = t.profile_id
        WHERE json_extract_string(t.traits, '$.loyalty_tier') IN ('gold', 'silver')
          AND t.profile_id IN (SELECT c.profile_id FROM profile_consents c WHERE c.channel = 'email' AND c.purpose = 'marketing' AND c.granted)
        """;

    public sealed record Timing(int Run, double PreviewSeconds, double CompiledCountSeconds, double HandWrittenCountSeconds, double LoadAverage);

    public static async Task<int> RunAsync(Settings s)
    {
        var file = Path.Combine(s.DataDirectory, DuckDbStore.FileName);
        if (!File.Exists(file))
        {
            Console.Error.WriteLine($"No generated store in '{s.DataDirectory}'; run audiences-generate first.");
            return 2;
        }
        Console.WriteLine($"Store {s.DataDirectory} ({Size(s.DataDirectory) / 1e9:F2} GB); load average {Machine.LoadAverage()}.");
        await using var store = DuckDbStore.Open(s.DataDirectory);
        using var raw = new DuckDBConnection($"Data Source={file}");
        raw.Open();

        if (s.Only == "overlap")
        {
            var only = await OverlapAsync(store, raw, s.Runs);
            Output.Write(s.OutDirectory, $"overlap-{Path.GetFileName(s.DataDirectory)}",
                new { machine = Machine.Describe(), store = Path.GetFileName(s.DataDirectory), overlap = only, peakWorkingSetBytes = PeakRss() },
                OverlapMarkdown(only, Path.GetFileName(s.DataDirectory)) + $"\nPeak working set of the process: {PeakRss() / 1e9:F2} GB.\n");
            return only is null ? 1 : 0;
        }
        var asOf = new DateTimeOffset(AudienceStoreGenerator.End);
        var definition = AudienceText.Parse(Rule);
        var compiled = await store.Audiences.CompileAsync(definition, asOf, CancellationToken.None);
        var hand = new CompiledAudience(HandWritten, [asOf.AddDays(-365).UtcDateTime, asOf.AddDays(-180).UtcDateTime, asOf.AddDays(-30).UtcDateTime, asOf.UtcDateTime]);
        var compiledCount = AudienceQueries.Counts(compiled);
        var handCount = AudienceQueries.Counts(hand);

        // Same members, checked before any timing (this first pass also reads the data in).
        var check = Stopwatch.StartNew();
        var (members, households) = Counts(raw, compiledCount);
        var (handMembers, handHouseholds) = Counts(raw, handCount);
        var differing = Scalar(raw, Difference(compiled, hand));
        Console.WriteLine($"Members: compiled {members:N0} ({households:N0} households), hand-written {handMembers:N0} ({handHouseholds:N0}); " +
            $"{differing} in one but not the other; checked in {check.Elapsed.TotalSeconds:F1} s.");
        if (members != handMembers || households != handHouseholds || differing != 0 || members == 0)
        {
            Console.Error.WriteLine("The compiled audience and the hand-written query disagree (or are empty).");
            return 1;
        }

        var timings = new List<Timing>();
        for (var run = 1; run <= s.Runs; run++)
        {
            var load = Machine.LoadAverage();
            var clock = Stopwatch.StartNew();
            var preview = await store.Audiences.PreviewAsync(definition, asOf, 20, CancellationToken.None);
            var previewSeconds = clock.Elapsed.TotalSeconds;
            if (preview.Size != members) throw new InvalidOperationException($"Preview counted {preview.Size}, expected {members}.");
            // Alternate which goes first, so neither always finds the other's pages warm.
            double compiledSeconds, handSeconds;
            if (run % 2 == 1)
            {
                compiledSeconds = Timed(() => Expect(Counts(raw, compiledCount), members));
                handSeconds = Timed(() => Expect(Counts(raw, handCount), members));
            }
            else
            {
                handSeconds = Timed(() => Expect(Counts(raw, handCount), members));
                compiledSeconds = Timed(() => Expect(Counts(raw, compiledCount), members));
            }
            timings.Add(new Timing(run, previewSeconds, compiledSeconds, handSeconds, load));
            Console.WriteLine($"  run {run}: preview {previewSeconds:F2} s, compiled count {compiledSeconds:F2} s, hand-written count {handSeconds:F2} s " +
                $"(ratio {compiledSeconds / handSeconds:F2}), load {load}");
        }

        var overlap = s.Only == "audience" ? null : await OverlapAsync(store, raw, s.Runs);
        var warm = timings.Skip(1).DefaultIfEmpty(timings[0]).ToList();
        var summary = new
        {
            machine = Machine.Describe(),
            store = new { directory = Path.GetFileName(s.DataDirectory), bytes = Size(s.DataDirectory), rows = Rows(raw) },
            rule = Rule,
            handWritten = HandWritten,
            compiledSql = compiled.Sql,
            members,
            households,
            runs = timings,
            medianPreviewSeconds = Median(warm.Select(t => t.PreviewSeconds)),
            medianCompiledSeconds = Median(warm.Select(t => t.CompiledCountSeconds)),
            medianHandWrittenSeconds = Median(warm.Select(t => t.HandWrittenCountSeconds)),
            ratio = Median(warm.Select(t => t.CompiledCountSeconds)) / Median(warm.Select(t => t.HandWrittenCountSeconds)),
            overlap,
            peakWorkingSetBytes = PeakRss(),
        };
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Audience on {Path.GetFileName(s.DataDirectory)} (DuckDB)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{members:N0} members in {households:N0} households. Medians of runs 2-{s.Runs} (run 1 reported as cold).");
        md.AppendLine();
        md.AppendLine("| run | preview (count, sample, reach) s | compiled count s | hand-written count s | ratio | load |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var t in timings)
            md.AppendLine(CultureInfo.InvariantCulture, $"| {t.Run} | {t.PreviewSeconds:F2} | {t.CompiledCountSeconds:F2} | {t.HandWrittenCountSeconds:F2} | {t.CompiledCountSeconds / t.HandWrittenCountSeconds:F2} | {t.LoadAverage} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| median | {summary.medianPreviewSeconds:F2} | {summary.medianCompiledSeconds:F2} | {summary.medianHandWrittenSeconds:F2} | {summary.ratio:F2} | |");
        md.Append(OverlapMarkdown(overlap, null));
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Peak working set of the process: {summary.peakWorkingSetBytes / 1e9:F2} GB.");
        Output.Write(s.OutDirectory, $"audiences-{Path.GetFileName(s.DataDirectory)}", summary, md.ToString());
        return 0;
    }

    static string OverlapMarkdown(OverlapResult? overlap, string? store)
    {
        var md = new StringBuilder();
        if (overlap is null) return "";
        if (store is not null) md.AppendLine(CultureInfo.InvariantCulture, $"# Campaign overlap on {store} (DuckDB)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Overlap of {overlap.Campaigns} campaigns ({overlap.Contacted:N0} contacted targets, {overlap.Pairs:N0} overlapping pairs). " +
            $"Writing the target sets of all campaigns first (as set/refresh targets does): {overlap.SetsSeconds:F1} s.");
        md.AppendLine();
        md.Append(OverlapTable(overlap, "bitstrings"));
        return md.ToString();
    }

    /// <summary>The runs of an overlap benchmark as a markdown table, the hand-written query named.</summary>
    public static string OverlapTable(OverlapResult overlap, string handWritten)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"| run | OverlapAsync s | hand-written ({handWritten}) s | ratio | load |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var t in overlap.Runs)
            md.AppendLine(CultureInfo.InvariantCulture, $"| {t.Run} | {t.ProductSeconds:F2} | {t.HandWrittenSeconds:F2} | {t.ProductSeconds / t.HandWrittenSeconds:F2} | {t.LoadAverage} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| median | {overlap.MedianProductSeconds:F2} | {overlap.MedianHandWrittenSeconds:F2} | {overlap.MedianProductSeconds / overlap.MedianHandWrittenSeconds:F2} | |");
        return md.ToString();
    }

    /// <summary>
    /// The hand-written overlap: the contacted targets of the campaigns scheduled or live in the month
    /// (one-off sends in it, always-on ones overlapping it), reach per campaign, and shared customers and
    /// households per pair as an analyst would write it on DuckDB from the target rows alone: one bitstring
    /// per campaign (<c>bitstring_agg</c> over profile ids, and over households numbered by
    /// <c>dense_rank</c>), then <c>bit_count(a &amp; b)</c> per pair. (A self-join of the target rows took
    /// 50-90 s at a tenth of this size.) Parameters: $1 = from, $2 = to.
    /// </summary>
    public const string HandWrittenReach = """
        WITH active AS (
            SELECT campaign_id FROM campaigns WHERE status IN ('scheduled', 'live') AND starts_at < $2
               AND (CASE WHEN schedule_kind = 'oneOff' THEN starts_at >= $1 ELSE ends_at IS NULL OR ends_at > $1 END)
        ), t AS (
            SELECT campaign_id, profile_id, household_id FROM campaign_targets
            WHERE NOT holdout AND NOT control AND campaign_id IN (SELECT campaign_id FROM active)
        )
        """;

    public sealed record OverlapTiming(int Run, double ProductSeconds, double HandWrittenSeconds, double LoadAverage);

    public sealed record OverlapResult(int Campaigns, long Contacted, int Pairs, IReadOnlyList<OverlapTiming> Runs, double MedianProductSeconds, double MedianHandWrittenSeconds,
        double ColdProductSeconds, double SetsSeconds);

    static async Task<OverlapResult?> OverlapAsync(DuckDbStore store, DuckDBConnection raw, int runs)
    {
        if (Scalar(raw, new CompiledAudience("SELECT count(*) FROM information_schema.tables WHERE table_name = 'campaign_targets'", [])) == 0
            || Scalar(raw, new CompiledAudience("SELECT count(*) FROM campaigns", [])) == 0)
        {
            Console.WriteLine("No campaigns in this store: overlap skipped.");
            return null;
        }
        var (from, to) = (new DateTimeOffset(CampaignWriter.From), new DateTimeOffset(CampaignWriter.To));
        object[] window = [from.UtcDateTime, to.UtcDateTime];
        var reachSql = new CompiledAudience(HandWrittenReach + "SELECT campaign_id, count(*), count(DISTINCT household_id) FROM t GROUP BY campaign_id", window);
        // bitstring_agg takes its range as constants.
        var top = Scalar(raw, new CompiledAudience("SELECT max(profile_id) FROM campaign_targets", []));
        var homes = Scalar(raw, new CompiledAudience(HandWrittenReach + "SELECT count(DISTINCT household_id) FROM t", window));
        var customersSql = new CompiledAudience(HandWrittenReach +
            $", b AS (SELECT campaign_id, bitstring_agg(profile_id, 0, {top}) AS bits FROM t GROUP BY campaign_id) " +
            "SELECT x.campaign_id, y.campaign_id, bit_count(x.bits & y.bits) AS n FROM b x JOIN b y ON x.campaign_id < y.campaign_id WHERE n > 0", window);
        var householdsSql = new CompiledAudience(HandWrittenReach +
            $", h AS (SELECT campaign_id, dense_rank() OVER (ORDER BY household_id) AS n FROM t WHERE household_id IS NOT NULL), " +
            $"b AS (SELECT campaign_id, bitstring_agg(n, 1, {homes}) AS bits FROM h GROUP BY campaign_id) " +
            "SELECT x.campaign_id, y.campaign_id, bit_count(x.bits & y.bits) AS n FROM b x JOIN b y ON x.campaign_id < y.campaign_id WHERE n > 0", window);
        Dictionary<(string, string), (long, long)> HandWritten()
        {
            var result = new Dictionary<(string, string), (long, long)>();
            foreach (var (a, b, n) in Triples(raw, reachSql)) result[(a, a)] = (long.Parse(b, CultureInfo.InvariantCulture), n);
            foreach (var (a, b, n) in Triples(raw, customersSql)) result[(a, b)] = (n, 0);
            foreach (var (a, b, n) in Triples(raw, householdsSql)) result[(a, b)] = (result.GetValueOrDefault((a, b)).Item1, n);
            return result;
        }
        static Dictionary<(string, string), (long, long)> Product(CommonGround.Campaigns.CampaignOverlap o)
        {
            var result = new Dictionary<(string, string), (long, long)>();
            foreach (var c in o.Campaigns) result[(c.Campaign.Id, c.Campaign.Id)] = (c.Customers, c.Households);
            foreach (var p in o.Pairs) result[(p.First, p.Second)] = (p.Customers, p.Households);
            return result;
        }

        // The first call writes the target sets of campaigns whose targets were generated without them,
        // as SetTargets and RefreshTargets do when they write a list: timed apart, not a run.
        // With --rewrite-sets, from scratch, so the figure does not depend on an earlier run.
        if (Environment.GetCommandLineArgs().Contains("--rewrite-sets"))
        {
            foreach (var table in (string[])["campaign_target_sets", "household_numbers"])
            {
                using var delete = raw.Command(new CompiledAudience($"DELETE FROM {table}", []));
                delete.ExecuteNonQuery();
            }
        }
        var load0 = Machine.LoadAverage();
        var setsClock = Stopwatch.StartNew();
        await store.Campaigns.OverlapAsync(from, to, CancellationToken.None);
        var setsSeconds = setsClock.Elapsed.TotalSeconds;
        Console.WriteLine($"  target sets written for every campaign (first call) in {setsSeconds:F1} s, load {load0}");
        var timings = new List<OverlapTiming>();
        CommonGround.Campaigns.CampaignOverlap? overlap = null;
        for (var run = 1; run <= runs; run++)
        {
            var load = Machine.LoadAverage();
            Dictionary<(string, string), (long, long)>? hand = null;
            double productSeconds, handSeconds;
            async Task<double> ProductRun()
            {
                var clock = Stopwatch.StartNew();
                overlap = await store.Campaigns.OverlapAsync(from, to, CancellationToken.None);
                Console.WriteLine($"    OverlapAsync {clock.Elapsed.TotalSeconds:F2} s");
                return clock.Elapsed.TotalSeconds;
            }
            if (run % 2 == 1)
            {
                productSeconds = await ProductRun();
                handSeconds = Timed(() => hand = HandWritten());
            }
            else
            {
                handSeconds = Timed(() => hand = HandWritten());
                productSeconds = await ProductRun();
            }
            var product = Product(overlap!);
            // Pairs the product reports with zero customers and zero households are absent from the hand-written rows.
            var differing = product.Where(kv => kv.Value != (0, 0)).Count(kv => hand!.GetValueOrDefault(kv.Key) != kv.Value)
                + hand!.Count(kv => product.GetValueOrDefault(kv.Key) != kv.Value);
            if (differing != 0) throw new InvalidOperationException($"The overlap of the store and the hand-written one differ in {differing} cells.");
            timings.Add(new OverlapTiming(run, productSeconds, handSeconds, load));
            Console.WriteLine($"  overlap run {run}: OverlapAsync {productSeconds:F2} s, hand-written {handSeconds:F2} s (ratio {productSeconds / handSeconds:F2}), " +
                $"{overlap!.Campaigns.Count} campaigns, {overlap.Pairs.Count} pairs, same cells; load {load}");
        }
        var warm = timings.Skip(1).DefaultIfEmpty(timings[0]).ToList();
        return new OverlapResult(overlap!.Campaigns.Count, overlap.Campaigns.Sum(c => c.Customers), overlap.Pairs.Count, timings,
            Median(warm.Select(t => t.ProductSeconds)), Median(warm.Select(t => t.HandWrittenSeconds)), timings[0].ProductSeconds, setsSeconds);
    }

    /// <summary>Rows of (text, text or number, number).</summary>
    static List<(string, string, long)> Triples(DuckDBConnection connection, CompiledAudience statement)
    {
        using var command = connection.Command(statement);
        using var r = command.ExecuteReader();
        var rows = new List<(string, string, long)>();
        while (r.Read()) rows.Add((r.GetString(0), Convert.ToString(r.GetValue(1), CultureInfo.InvariantCulture) ?? "", r.GetInt64(2)));
        return rows;
    }

    static double Timed(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    static void Expect((long Members, long Households) counts, long members)
    {
        if (counts.Members != members) throw new InvalidOperationException($"Counted {counts.Members}, expected {members}.");
    }

    /// <summary>Rows in one and not the other, both ways; the hand-written parameters renumbered after the compiled ones.</summary>
    static CompiledAudience Difference(CompiledAudience a, CompiledAudience b)
    {
        var shifted = System.Text.RegularExpressions.Regex.Replace(b.Sql, @"\$(\d+)",
            m => "$" + (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) + a.Parameters.Count).ToString(CultureInfo.InvariantCulture));
        return new CompiledAudience(
            $"WITH a AS ({a.Sql}), b AS ({shifted}) SELECT (SELECT count(*) FROM (SELECT profile_id FROM a EXCEPT SELECT profile_id FROM b)) " +
            "+ (SELECT count(*) FROM (SELECT profile_id FROM b EXCEPT SELECT profile_id FROM a))",
            [.. a.Parameters, .. b.Parameters]);
    }

    static (long, long) Counts(DuckDBConnection connection, CompiledAudience statement)
    {
        using var command = connection.Command(statement);
        using var r = command.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetInt64(1));
    }

    static long Scalar(DuckDBConnection connection, CompiledAudience statement)
    {
        using var command = connection.Command(statement);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    static Dictionary<string, long> Rows(DuckDBConnection connection)
    {
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in new[] { "profiles", "profile_identifiers", "events", "profile_traits", "profile_consents", "household_traits", "profile_businesses" })
            rows[table] = Scalar(connection, new CompiledAudience($"SELECT count(*) FROM {table}", []));
        return rows;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static long Size(string directory) => new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    /// <summary>The process's peak resident set (VmHWM), DuckDB's memory included.</summary>
    public static long PeakRss()
    {
        var line = File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)) : null;
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
