using System.Diagnostics;
using System.Text;
using CommonGround.Events;
using CommonGround.Storage.DuckDb;
using DuckDB.NET.Data;

namespace CommonGround.Benchmarks;

/// <summary>
/// What the layers under the API can do on their own, with the same events, so the API's overhead
/// shows as a ratio: the DuckDB appender alone (raw engine ceiling: one transaction per batch, no
/// key, no dedup) and <c>DuckDbStore.Events.AppendAsync</c> (store ceiling: staging table, dedup on
/// the primary key, durable commit). Events are parsed before the clock starts; only the append and
/// commit are timed.
/// </summary>
static class Ceiling
{
    public sealed record Settings(int Batch, int Seconds, int Runs, string OutDirectory);

    public sealed record RunResult(int Run, double RawEventsPerSecond, double StoreEventsPerSecond, double RawBatchMs, double StoreBatchMs);

    const string Columns =
        "source_id VARCHAR NOT NULL, message_id VARCHAR NOT NULL, type VARCHAR NOT NULL, name VARCHAR, category VARCHAR, " +
        "user_id VARCHAR, anonymous_id VARCHAR, group_id VARCHAR, previous_id VARCHAR, timestamp TIMESTAMP NOT NULL, " +
        "original_timestamp TIMESTAMP, sent_at TIMESTAMP, received_at TIMESTAMP NOT NULL, context VARCHAR, properties VARCHAR, " +
        "traits VARCHAR, integrations VARCHAR, seq BIGINT";

    public static async Task<int> RunAsync(Settings s)
    {
        var corpus = EventCorpus.Create(s.Batch, Math.Max(8, 20_000 / s.Batch), "ceiling");
        var reader = new SegmentPayloadReader(new IngestionOptions());
        var receivedAt = DateTimeOffset.UtcNow;
        var batches = corpus.Bodies.Select(b => reader.Read(b.Bytes, null, "src-ceiling", receivedAt)).ToArray();
        Console.WriteLine($"{batches.Length} parsed batches of {s.Batch} events (mean {corpus.MeanEventBytes:F0} bytes of JSON each).");

        var results = new List<RunResult>();
        for (var run = 1; run <= s.Runs; run++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var (raw, rawMs) = Raw(batches, s.Seconds);
            var rawCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            var (store, storeMs) = await StoreAsync(batches, s.Seconds);
            var storeCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu - rawCpu;
            Console.WriteLine($"  CPU: raw {rawCpu.TotalSeconds:F1} s, store {storeCpu.TotalSeconds:F1} s over {s.Seconds} s each");
            results.Add(new RunResult(run, raw, store, rawMs, storeMs));
            Console.WriteLine($"run {run}: raw appender {raw,10:N0} events/s ({rawMs:F1} ms/batch)   store {store,10:N0} events/s ({storeMs:F1} ms/batch)");
        }
        var rawMedian = IngestLoad.Median(results.Select(r => r.RawEventsPerSecond));
        var storeMedian = IngestLoad.Median(results.Select(r => r.StoreEventsPerSecond));
        var summary = new
        {
            mode = "ceiling",
            batch = s.Batch,
            seconds = s.Seconds,
            meanEventBytes = Math.Round(corpus.MeanEventBytes),
            machine = Machine.Describe(),
            medianRawEventsPerSecond = Math.Round(rawMedian),
            medianStoreEventsPerSecond = Math.Round(storeMedian),
            storeOverRaw = Math.Round(storeMedian / rawMedian, 3),
            runs = results,
        };
        static string Runs(IEnumerable<double> v) => string.Join(" / ", v.Select(x => x.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)));
        var table = new StringBuilder()
            .AppendLine("| layer | batch | events/s (median) | runs |")
            .AppendLine("|---|---:|---:|---|")
            .AppendLine($"| DuckDB appender alone | {s.Batch:N0} | {rawMedian:N0} | {Runs(results.Select(r => r.RawEventsPerSecond))} |")
            .AppendLine($"| DuckDbStore.Events.AppendAsync | {s.Batch:N0} | {storeMedian:N0} | {Runs(results.Select(r => r.StoreEventsPerSecond))} |");
        Output.Write(s.OutDirectory, $"ceiling-duckdb-b{s.Batch}", summary, table.ToString());
        return 0;
    }

    static (double EventsPerSecond, double MsPerBatch) Raw(IReadOnlyList<TrackedEvent>[] batches, int seconds)
    {
        var directory = TempDirectory();
        try
        {
            using var connection = new DuckDBConnection($"Data Source={Path.Combine(directory, "raw.duckdb")}");
            connection.Open();
            using (var create = connection.CreateCommand())
            {
                create.CommandText = $"CREATE TABLE events ({Columns})";
                create.ExecuteNonQuery();
            }
            var wall = Stopwatch.StartNew();
            long events = 0, ticks = 0, count = 0, appendTicks = 0, seq = 0;
            for (var i = 0; wall.Elapsed.TotalSeconds < seconds; i++)
            {
                var batch = batches[i % batches.Length];
                var started = Stopwatch.GetTimestamp();
                using (var tx = connection.BeginTransaction())
                {
                    using (var appender = connection.CreateAppender("events"))
                    {
                        foreach (var e in batch) CommonGround.Storage.DuckDb.DuckDbEventRow.Append(appender, e, ++seq);
                    }
                    appendTicks += Stopwatch.GetTimestamp() - started;
                    tx.Commit();
                }
                ticks += Stopwatch.GetTimestamp() - started;
                events += batch.Count;
                count++;
            }
            var elapsed = (double)ticks / Stopwatch.Frequency;
            Console.WriteLine($"  raw: appending {appendTicks * 1000.0 / Stopwatch.Frequency / count:F1} ms/batch, committing {(ticks - appendTicks) * 1000.0 / Stopwatch.Frequency / count:F1} ms/batch");
            return (events / elapsed, elapsed * 1000 / count);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    static async Task<(double EventsPerSecond, double MsPerBatch)> StoreAsync(IReadOnlyList<TrackedEvent>[] batches, int seconds)
    {
        var directory = TempDirectory();
        try
        {
            await using var store = DuckDbStore.Open(directory);
            await store.MigrateAsync(CancellationToken.None);
            var wall = Stopwatch.StartNew();
            long events = 0, ticks = 0, count = 0, sequence = 0;
            for (var i = 0; wall.Elapsed.TotalSeconds < seconds; i++)
            {
                // Fresh messageIds (built before the clock starts) so the key check finds no duplicates.
                var batch = batches[i % batches.Length].Select(e => e with { MessageId = "m-" + sequence++ }).ToList();
                var started = Stopwatch.GetTimestamp();
                var inserted = await store.Events.AppendAsync(batch, CancellationToken.None);
                ticks += Stopwatch.GetTimestamp() - started;
                if (inserted != batch.Count) throw new InvalidOperationException($"Inserted {inserted} of {batch.Count}.");
                events += batch.Count;
                count++;
            }
            var elapsed = (double)ticks / Stopwatch.Frequency;
            return (events / elapsed, elapsed * 1000 / count);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    static string TempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "cg-ceiling-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(path);
        return path;
    }
}
