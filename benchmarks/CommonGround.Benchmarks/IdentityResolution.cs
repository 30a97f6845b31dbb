using System.Diagnostics;
using System.Globalization;
using System.Text;
using CommonGround.Identity;
using DuckDB.NET.Data;
using static CommonGround.Benchmarks.Measure;
using static CommonGround.Benchmarks.Sql;

namespace CommonGround.Benchmarks;

/// <summary>
/// Identity resolution at scale (<c>identity</c> mode): a cold full build of <see cref="IdentityGraph"/>
/// from the <see cref="IdentityCorpus"/> (normalisation included), incremental batches of new events
/// into that graph, and the same connected components computed in plain SQL on DuckDB as a baseline.
/// </summary>
/// <remarks>
/// The corpus is generated before any clock starts; only <see cref="IdentityGraph.Observe"/> is timed.
/// Every run checks the graph against what the corpus says a correct resolution gives (profiles,
/// identifiers, conflicts, ignored values) and the SQL components against the count without type
/// limits; the program exits 1 on any difference.
/// </remarks>
static class IdentityResolution
{
    public sealed record Settings(int People, int Seed, int Runs, int Batches, int BatchEvents, int SqlRuns, string SqlMethod, string OutDirectory);

    public sealed record BuildResult(
        int Run, double Seconds, double CpuSeconds, long AllocatedBytes, long RetainedBytes, long PeakWorkingSetBytes, double GcPauseSeconds, int Gen0, int Gen1, int Gen2,
        int Profiles, int Identifiers, int Merges, int Conflicts, long Junk, long Invalid);

    public sealed record BatchResult(int Batch, int Events, double Milliseconds, double CpuMilliseconds, long AllocatedBytes, int Links, int NewPeople, int Profiles);

    public sealed record SqlResult(int Run, double Seconds, double CpuSeconds, int Iterations, long Components);

    public static async Task<int> RunAsync(Settings s)
    {
        Console.WriteLine($"Load average at start: {LoadAverage()}");
        var clock = Stopwatch.StartNew();
        var corpus = IdentityCorpus.Create(s.People, s.Seed, s.Batches, s.BatchEvents);
        var expected = corpus.Expected;
        var raw = corpus.Base.Sum(x => x.Evidence.Identifiers.Count);
        Console.WriteLine($"Corpus: {s.People:N0} people, {corpus.Base.Count:N0} observations holding {raw:N0} raw identifiers, generated in {clock.Elapsed.TotalSeconds:F1} s.");
        Console.WriteLine($"Expected: {expected.Profiles:N0} profiles, {expected.Identifiers:N0} distinct identifiers, {expected.Conflicts:N0} conflicts, " +
            $"{expected.Junk:N0} junk and {expected.Invalid:N0} invalid values; {expected.Components:N0} components without type limits.");
        var options = new IdentityOptions();
        var failures = new List<string>();

        // Full builds: each a new graph in this process; the first is the cold one (JIT, phone metadata).
        var builds = new List<BuildResult>();
        IdentityGraph? graph = null;
        for (var run = 1; run <= s.Runs; run++)
        {
            graph = null;
            var (result, built) = Build(run, corpus.Base, options);
            graph = built;
            builds.Add(result);
            Console.WriteLine($"build {run}: {result.Seconds:F2} s ({result.CpuSeconds:F2} CPU s), {result.Profiles:N0} profiles, {result.Merges:N0} merges, {result.Conflicts:N0} conflicts; " +
                $"allocated {MiB(result.AllocatedBytes)}, graph retains {MiB(result.RetainedBytes)}, peak working set {MiB(result.PeakWorkingSetBytes)}; " +
                $"GCs {result.Gen0}/{result.Gen1}/{result.Gen2} pausing {result.GcPauseSeconds:F2} s");
            Check(failures, $"build {run}", expected, result.Profiles, result.Identifiers, result.Conflicts, result.Junk, result.Invalid);
        }

        // Incremental batches into the last graph, one after the other, each checked against its own expectation.
        var batches = new List<BatchResult>();
        for (var b = 0; b < corpus.Batches.Count; b++)
        {
            var batch = corpus.Batches[b];
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var cpu = CpuTime();
            var started = Stopwatch.GetTimestamp();
            foreach (var sighting in batch.Sightings) graph!.Observe(sighting.Evidence);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var cpuMs = (CpuTime() - cpu).TotalMilliseconds;
            allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
            var profiles = graph!.ProfileCount;
            batches.Add(new BatchResult(b + 1, batch.Sightings.Count, ms, cpuMs, allocated, batch.Links, batch.NewPeople, profiles));
            Console.WriteLine($"batch {b + 1}: {batch.Sightings.Count:N0} events in {ms:F1} ms ({cpuMs:F0} CPU ms; {batch.Links:N0} links, {batch.NewPeople:N0} new people, " +
                $"{batch.NewDevices:N0} new browsers, {batch.Returning:N0} returning); {profiles:N0} profiles; allocated {allocated / 1024.0:N0} KiB");
            Check(failures, $"batch {b + 1}", batch.After, profiles, graph.IdentifierCount, graph.Conflicts.Count, graph.JunkIgnored, graph.InvalidIgnored);
        }

        var normalisation = NormalisationSeconds(corpus.Base, options);
        Console.WriteLine($"Normalisation alone (every raw identifier of the corpus, no graph): {normalisation.Values.Sum():F2} s; " +
            string.Join(", ", normalisation.Select(n => $"{n.Key} {n.Value:F2} s")));
        graph = null;
        GC.Collect();

        var (loadSeconds, sql) = s.SqlRuns > 0 ? await SqlBaselineAsync(corpus.Base, s.SqlRuns, s.SqlMethod == "recursive") : (0, []);
        foreach (var r in sql)
        {
            if (r.Components != expected.Components)
                failures.Add($"SQL run {r.Run}: {r.Components:N0} components, expected {expected.Components:N0}");
        }

        var buildMedian = IngestLoad.Median(builds.Select(b => b.Seconds));
        var batchMedian = IngestLoad.Median(batches.Select(b => b.Milliseconds));
        var sqlMedian = sql.Count > 0 ? IngestLoad.Median(sql.Select(r => r.Seconds)) : double.NaN;
        var summary = new
        {
            mode = "identity",
            people = s.People,
            seed = s.Seed,
            observations = corpus.Base.Count,
            rawIdentifiers = raw,
            expected,
            machine = Machine.Describe(),
            loadAverageAtEnd = LoadAverage(),
            coldBuildSeconds = Math.Round(builds[0].Seconds, 3),
            medianBuildSeconds = Math.Round(buildMedian, 3),
            medianBuildCpuSeconds = Math.Round(IngestLoad.Median(builds.Select(b => b.CpuSeconds)), 3),
            medianBatchMilliseconds = Math.Round(batchMedian, 1),
            medianBatchCpuMilliseconds = Math.Round(IngestLoad.Median(batches.Select(b => b.CpuMilliseconds)), 1),
            normalisationSeconds = normalisation,
            sqlLoadSeconds = Math.Round(loadSeconds, 3),
            sqlMethod = s.SqlMethod,
            medianSqlSeconds = Math.Round(sqlMedian, 3),
            medianSqlCpuSeconds = sql.Count > 0 ? Math.Round(IngestLoad.Median(sql.Select(r => r.CpuSeconds)), 3) : double.NaN,
            commonGroundOverSql = Math.Round(buildMedian / sqlMedian, 3),
            commonGroundOverSqlWithLoad = Math.Round(buildMedian / (sqlMedian + loadSeconds), 3),
            builds,
            batches,
            sql,
            failures,
        };
        var table = new StringBuilder()
            .AppendLine("| measure | median (wall) | runs (wall) | median CPU |")
            .AppendLine("|---|---:|---|---:|")
            .AppendLine($"| full build, {corpus.Base.Count:N0} observations (run 1 cold) | {buildMedian:F2} s | {Join(builds.Select(b => b.Seconds), "F2")} | " +
                $"{IngestLoad.Median(builds.Select(b => b.CpuSeconds)):F2} s |")
            .AppendLine($"| incremental batch, {s.BatchEvents:N0} events | {batchMedian:F1} ms | {Join(batches.Select(b => b.Milliseconds), "F1")} | " +
                $"{IngestLoad.Median(batches.Select(b => b.CpuMilliseconds)):F0} ms |")
            .AppendLine($"| SQL connected components (DuckDB, {s.SqlMethod}) | {sqlMedian:F2} s | {Join(sql.Select(r => r.Seconds), "F2")} | " +
                $"{(sql.Count > 0 ? IngestLoad.Median(sql.Select(r => r.CpuSeconds)) : double.NaN):F2} s |")
            .AppendLine($"| SQL edge load (appender) | {loadSeconds:F2} s | | |")
            .AppendLine()
            .AppendLine($"CommonGround / SQL: {buildMedian / sqlMedian:F2} (with the SQL load: {buildMedian / (sqlMedian + loadSeconds):F2}). " +
                $"Peak working set during the first build: {MiB(builds[0].PeakWorkingSetBytes)}; graph retains {MiB(builds[0].RetainedBytes)}.");
        Output.Write(s.OutDirectory, $"identity-{s.People / 1000}k", summary, table.ToString());

        foreach (var failure in failures) Console.Error.WriteLine("MISMATCH " + failure);
        return failures.Count == 0 ? 0 : 1;
    }

    static (BuildResult, IdentityGraph) Build(int run, IReadOnlyList<IdentityCorpus.Sighting> sightings, IdentityOptions options)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        ResetPeakWorkingSet();
        var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var paused = GC.GetTotalPauseDuration();

        var cpu = CpuTime();
        var started = Stopwatch.GetTimestamp();
        var graph = new IdentityGraph(options, TimeProvider.System);
        foreach (var sighting in sightings) graph.Observe(sighting.Evidence);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpuSeconds = (CpuTime() - cpu).TotalSeconds;

        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        paused = GC.GetTotalPauseDuration() - paused;
        var gcs = (GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2);
        var peak = PeakWorkingSet();
        var retained = GC.GetTotalMemory(forceFullCollection: true) - heap;
        return (new BuildResult(run, seconds, cpuSeconds, allocated, retained, peak, paused.TotalSeconds, gcs.Item1, gcs.Item2, gcs.Item3, graph.ProfileCount, graph.IdentifierCount,
            graph.Merges.Count, graph.Conflicts.Count, graph.JunkIgnored, graph.InvalidIgnored), graph);
    }

    static void Check(List<string> failures, string what, IdentityCorpus.Expectation expected, int profiles, int identifiers, int conflicts, long junk, long invalid)
    {
        void Compare(string name, long actual, long wanted)
        {
            if (actual != wanted) failures.Add($"{what}: {actual:N0} {name}, expected {wanted:N0}");
        }
        Compare("profiles", profiles, expected.Profiles);
        Compare("identifiers", identifiers, expected.Identifiers);
        Compare("conflicts", conflicts, expected.Conflicts);
        Compare("junk values", junk, expected.Junk);
        Compare("invalid values", invalid, expected.Invalid);
        Console.WriteLine($"  {what}: {(failures.Count == 0 ? "matches" : "DOES NOT MATCH")} the expected profiles ({profiles:N0} vs {expected.Profiles:N0}), " +
            $"identifiers, conflicts, junk and invalid counts");
    }

    /// <summary>Seconds spent normalising every raw identifier of the corpus, per type, without a graph.</summary>
    static SortedDictionary<string, double> NormalisationSeconds(IReadOnlyList<IdentityCorpus.Sighting> sightings, IdentityOptions options)
    {
        var normalizer = new IdentifierNormalizer(options);
        var byType = new Dictionary<string, List<string?>>(StringComparer.Ordinal);
        foreach (var sighting in sightings)
        {
            foreach (var raw in sighting.Evidence.Identifiers)
            {
                if (!byType.TryGetValue(raw.Type, out var values)) byType[raw.Type] = values = [];
                values.Add(raw.Value);
            }
        }
        var seconds = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (type, values) in byType)
        {
            var started = Stopwatch.GetTimestamp();
            foreach (var value in values) normalizer.Normalize(type, value, out _);
            seconds[type] = Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 3);
        }
        return seconds;
    }

    // ---- the SQL baseline ----

    /// <summary>
    /// Dictionary-encodes the identifiers, then min-label propagation with pointer jumping: each
    /// round, a node takes the smallest label among itself and its neighbours, then the label of that
    /// label; repeated until no label changes. Plain SQL, one CREATE TABLE AS per step.
    /// </summary>
    const string Encode = """
        CREATE OR REPLACE TABLE node AS
            SELECT id, (row_number() OVER ())::INTEGER AS n FROM (SELECT a AS id FROM edge UNION SELECT b FROM edge);
        CREATE OR REPLACE TABLE link AS
            SELECT x.n AS src, y.n AS dst FROM edge JOIN node x ON x.id = edge.a JOIN node y ON y.id = edge.b WHERE x.n <> y.n;
        CREATE OR REPLACE TABLE arc AS SELECT src, dst FROM link UNION SELECT dst, src FROM link;
        CREATE OR REPLACE TABLE label AS SELECT n AS node, n AS comp FROM node;
        """;

    const string Propagate = """
        CREATE OR REPLACE TABLE step AS
            SELECT node, min(comp) AS comp FROM (
                SELECT node, comp FROM label
                UNION ALL
                SELECT arc.src, label.comp FROM arc JOIN label ON label.node = arc.dst)
            GROUP BY node;
        CREATE OR REPLACE TABLE next AS
            SELECT s.node, least(s.comp, t.comp) AS comp FROM step s JOIN step t ON t.node = s.comp;
        """;

    const string Changed = "SELECT count(*) FROM next JOIN label USING (node) WHERE next.comp <> label.comp";

    /// <summary>
    /// The same fixpoint as one recursive CTE: DuckDB's <c>USING KEY</c> keeps one row per node, and each
    /// round propagates only the labels that changed in the previous one (semi-naive).
    /// </summary>
    const string Recursive = """
        WITH RECURSIVE cc(node, comp) USING KEY (node) AS (
            SELECT n, n FROM node
            UNION
            SELECT arc.dst, min(cc.comp)
            FROM cc JOIN arc ON arc.src = cc.node JOIN recurring.cc AS known ON known.node = arc.dst
            GROUP BY arc.dst, known.comp
            HAVING min(cc.comp) < known.comp)
        SELECT count(DISTINCT comp) FROM cc
        """;

    const string Swap = "DROP TABLE label; ALTER TABLE next RENAME TO label;";

    static async Task<(double LoadSeconds, List<SqlResult> Runs)> SqlBaselineAsync(IReadOnlyList<IdentityCorpus.Sighting> sightings, int runs, bool recursive)
    {
        var directory = Path.Combine(Path.GetTempPath(), "cg-identity-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(directory);
        try
        {
            using var connection = new DuckDBConnection($"Data Source={Path.Combine(directory, "edges.duckdb")}");
            await connection.OpenAsync();
            Execute(connection, "CREATE TABLE edge (a VARCHAR NOT NULL, b VARCHAR NOT NULL)");

            // The graph's identifier pairs, normalised: each observation's first usable identifier to every other
            // (a spanning star), or to itself when it holds only one, so lone identifiers count as components.
            var started = Stopwatch.GetTimestamp();
            long edges = 0;
            using (var appender = connection.CreateAppender("edge"))
            {
                foreach (var sighting in sightings)
                {
                    var usable = sighting.Usable;
                    if (usable.Length == 0) continue;
                    var anchor = usable[0].ToString();
                    for (var i = usable.Length == 1 ? 0 : 1; i < usable.Length; i++)
                    {
                        appender.CreateRow().AppendValue(anchor).AppendValue(usable[i].ToString()).EndRow();
                        edges++;
                    }
                }
            }
            var load = Stopwatch.GetElapsedTime(started).TotalSeconds;
            Console.WriteLine($"SQL: {edges:N0} edges appended in {load:F2} s (string building included).");

            var results = new List<SqlResult>();
            for (var run = 1; run <= runs; run++)
            {
                var cpu = CpuTime();
                started = Stopwatch.GetTimestamp();
                Execute(connection, Encode);
                var iterations = 0;
                long components;
                if (recursive)
                {
                    components = Scalar(connection, Recursive);
                }
                else
                {
                    long changed;
                    do
                    {
                        Execute(connection, Propagate);
                        changed = Scalar(connection, Changed);
                        Execute(connection, Swap);
                        iterations++;
                    } while (changed > 0);
                    components = Scalar(connection, "SELECT count(DISTINCT comp) FROM label");
                }
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                var cpuSeconds = (CpuTime() - cpu).TotalSeconds;
                results.Add(new SqlResult(run, seconds, cpuSeconds, iterations, components));
                Console.WriteLine($"SQL run {run}: {components:N0} components in {seconds:F2} s ({cpuSeconds:F2} CPU s), {iterations} rounds");
                Execute(connection, "DROP TABLE node; DROP TABLE link; DROP TABLE arc; DROP TABLE label; DROP TABLE IF EXISTS step;");
            }
            return (load, results);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
}
