using System.Diagnostics;
using System.Globalization;
using System.Text;
using CommonGround.Campaigns;
using CommonGround.Storage.DuckDb;
using CommonGround.Storage.Postgres;
using Npgsql;

namespace CommonGround.Benchmarks;

/// <summary>
/// The overlap benchmark on PostgreSQL (<c>overlap-postgres</c> mode): the campaigns of a store written
/// by <see cref="AudienceStoreGenerator"/> and their targets among the first N profiles are copied
/// into a PostgreSQL store through the product's own API (<c>AddAsync</c>, <c>SetTargetsAsync</c>, which
/// writes the target sets), then <c>OverlapAsync</c> is timed beside hand-written SQL on the same
/// server (reach per campaign, shared customers and households per pair by self-join of the contacted
/// targets), every cell compared each run.
/// </summary>
static class PostgresOverlapBenchmark
{
    public sealed record Settings(string DataDirectory, string ConnectionString, long Profiles, int Runs, string OutDirectory);

    const string Contacted = "SELECT campaign_id, profile_id, household_id FROM campaign_targets WHERE campaign_id = ANY($1) AND NOT holdout AND NOT control";

    public static async Task<int> RunAsync(Settings s)
    {
        var ct = CancellationToken.None;
        Console.WriteLine($"Copying campaigns and targets of profiles 1-{s.Profiles:N0} from {s.DataDirectory} to PostgreSQL; load average {Machine.LoadAverage()}.");
        await using var source = DuckDbStore.Open(s.DataDirectory);
        await using var target = new PostgresStore(s.ConnectionString);
        await target.MigrateAsync(ct);
        var copy = Stopwatch.StartNew();
        long rows = 0;
        foreach (var campaign in await source.Campaigns.ListAsync(new CampaignQuery(), ct))
        {
            await target.Campaigns.AddAsync(campaign, ct);
            var targets = (await source.Campaigns.ListTargetsAsync(campaign.Id, ct)).Where(t => t.Profile.Value <= s.Profiles).ToList();
            rows += await target.Campaigns.SetTargetsAsync(campaign.Id, targets, ct);
        }
        var copySeconds = copy.Elapsed.TotalSeconds;
        Console.WriteLine($"  {rows:N0} target rows written with their sets in {copySeconds:F1} s, load {Machine.LoadAverage()}");

        var (from, to) = (new DateTimeOffset(CampaignWriter.From), new DateTimeOffset(CampaignWriter.To));
        await using var db = NpgsqlDataSource.Create(s.ConnectionString);
        var timings = new List<AudienceBenchmark.OverlapTiming>();
        CampaignOverlap? overlap = null;
        for (var run = 1; run <= s.Runs; run++)
        {
            var load = Machine.LoadAverage();
            var clock = Stopwatch.StartNew();
            overlap = await target.Campaigns.OverlapAsync(from, to, ct);
            var productSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var hand = await HandWrittenAsync(db, [.. overlap.Campaigns.Select(c => c.Campaign.Id)], ct);
            var handSeconds = clock.Elapsed.TotalSeconds;
            var product = new Dictionary<(string, string), (long, long)>();
            foreach (var c in overlap.Campaigns) product[(c.Campaign.Id, c.Campaign.Id)] = (c.Customers, c.Households);
            foreach (var p in overlap.Pairs) product[(p.First, p.Second)] = (p.Customers, p.Households);
            var differing = product.Where(kv => kv.Value != (0, 0)).Count(kv => hand.GetValueOrDefault(kv.Key) != kv.Value)
                + hand.Count(kv => product.GetValueOrDefault(kv.Key) != kv.Value);
            if (differing != 0) throw new InvalidOperationException($"The overlap of the store and the hand-written one differ in {differing} cells.");
            timings.Add(new AudienceBenchmark.OverlapTiming(run, productSeconds, handSeconds, load));
            Console.WriteLine($"  overlap run {run}: OverlapAsync {productSeconds:F2} s, hand-written {handSeconds:F2} s (ratio {productSeconds / handSeconds:F2}), " +
                $"{overlap.Campaigns.Count} campaigns, {overlap.Pairs.Count} pairs, same cells; load {load}");
        }
        var warm = timings.Skip(1).DefaultIfEmpty(timings[0]).ToList();
        var result = new AudienceBenchmark.OverlapResult(overlap!.Campaigns.Count, overlap.Campaigns.Sum(c => c.Customers), overlap.Pairs.Count, timings,
            AudienceBenchmark.Median(warm.Select(t => t.ProductSeconds)), AudienceBenchmark.Median(warm.Select(t => t.HandWrittenSeconds)), timings[0].ProductSeconds, copySeconds);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Campaign overlap on PostgreSQL, profiles 1-{s.Profiles:N0} of {Path.GetFileName(s.DataDirectory)}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{rows:N0} target rows copied through SetTargetsAsync (target sets included) in {copySeconds:F1} s. " +
            $"{result.Campaigns} campaigns, {result.Contacted:N0} contacted targets, {result.Pairs:N0} overlapping pairs.");
        md.AppendLine();
        md.Append(AudienceBenchmark.OverlapTable(result, "self-join"));
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Peak working set of the process: {AudienceBenchmark.PeakRss() / 1e9:F2} GB.");
        Output.Write(s.OutDirectory, $"overlap-postgres-{s.Profiles}", new { machine = Machine.Describe(), rows, copySeconds, overlap = result, peakWorkingSetBytes = AudienceBenchmark.PeakRss() }, md.ToString());
        return 0;
    }

    /// <summary>Reach, shared customers and shared households per pair, as cells keyed (a, a) and (a, b).</summary>
    static async Task<Dictionary<(string, string), (long, long)>> HandWrittenAsync(NpgsqlDataSource db, string[] ids, CancellationToken ct)
    {
        var result = new Dictionary<(string, string), (long, long)>();
        await foreach (var (a, b, n, h) in Rows(db, $"SELECT campaign_id, campaign_id, count(*), count(DISTINCT household_id) FROM ({Contacted}) t GROUP BY campaign_id", ids, ct))
            result[(a, b)] = (n, h);
        await foreach (var (a, b, n, _) in Rows(db, $"WITH t AS MATERIALIZED ({Contacted}) SELECT a.campaign_id, b.campaign_id, count(*), 0::bigint FROM t a JOIN t b " +
            "ON a.profile_id = b.profile_id AND a.campaign_id < b.campaign_id GROUP BY a.campaign_id, b.campaign_id", ids, ct))
            result[(a, b)] = (n, 0);
        await foreach (var (a, b, n, _) in Rows(db,
            $"WITH h AS MATERIALIZED (SELECT DISTINCT campaign_id, household_id FROM ({Contacted}) t WHERE household_id IS NOT NULL) " +
            "SELECT a.campaign_id, b.campaign_id, count(*), 0::bigint FROM h a JOIN h b ON a.household_id = b.household_id AND a.campaign_id < b.campaign_id " +
            "GROUP BY a.campaign_id, b.campaign_id", ids, ct))
            result[(a, b)] = (result.GetValueOrDefault((a, b)).Item1, n);
        return result;
    }

    static async IAsyncEnumerable<(string, string, long, long)> Rows(NpgsqlDataSource db, string sql, string[] ids,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = db.CreateCommand(sql);
        command.CommandTimeout = 0;
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, Value = ids });
        await using var r = await command.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) yield return (r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3));
    }
}
