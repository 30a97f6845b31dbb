using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CommonGround.Storage;
using CommonGround.Web.Hosting;
using Npgsql;

namespace CommonGround.Benchmarks;

/// <summary>
/// End-to-end load run: the real server in its own process, this process as N concurrent Segment
/// clients posting pre-serialised /v1/batch bodies over loopback. A request counts when its 200
/// arrives, which the server sends only after the commit.
/// </summary>
static class IngestLoad
{
    /// <param name="Cli">The commonground.dll to serve with; null for this repository's Release build. Another build
    /// (a copy of an older output folder) lets two versions be compared back to back.</param>
    public sealed record Settings(string Provider, string? ConnectionString, int Batch, int Seconds, int Warmup, int Concurrency,
        int Runs, string OutDirectory, string? Cli = null);

    /// <param name="ServerCpuSeconds">The server's CPU over the whole run, warm-up (and JIT) included.</param>
    /// <param name="WindowCpuMicrosPerEvent">The server's CPU during the timed window per event acknowledged in it: the
    /// figure that moves least when other work shares the machine.</param>
    public sealed record RunResult(int Run, long TimedEvents, double EventsPerSecond, double P50Ms, double P99Ms, double MaxMs,
        long PeakRssBytes, double ServerCpuSeconds, double WindowCpuMicrosPerEvent, double LoadCpuSeconds, double LoadAverage,
        long Acknowledged, long Stored, long Errors)
    {
        /// <summary>How far identity resolution had got when the server stopped (its sequence number; events are numbered from 1).</summary>
        public long ResolvedThrough { get; init; }
    }

    public static async Task<int> RunAsync(Settings s)
    {
        var cli = s.Cli ?? ServerProcess.CliPath(Repository.Root());
        var bodyCount = Math.Max(8, 20_000 / s.Batch);
        Console.WriteLine($"Generating {bodyCount} bodies of {s.Batch} events...");
        var corpus = EventCorpus.Create(s.Batch, bodyCount, "bench");
        var maxBody = corpus.Bodies.Max(b => b.Bytes.Length);
        Console.WriteLine($"Mean event {corpus.MeanEventBytes:F0} bytes; largest body {maxBody:N0} bytes.");

        var results = new List<RunResult>();
        for (var run = 1; run <= s.Runs; run++)
        {
            var result = await OneRunAsync(s, cli, corpus, run);
            results.Add(result);
            Console.WriteLine(
                $"run {run}: {result.EventsPerSecond,10:N0} events/s  p50 {result.P50Ms,7:F1} ms  p99 {result.P99Ms,7:F1} ms  " +
                $"peak RSS {result.PeakRssBytes / 1048576.0,6:F0} MiB  server CPU {result.ServerCpuSeconds:F1} s " +
                $"({result.WindowCpuMicrosPerEvent:F1} µs/event in the window)  load CPU {result.LoadCpuSeconds:F1} s  load avg {result.LoadAverage:F1}  " +
                $"acked {result.Acknowledged:N0} stored {result.Stored:N0} resolved through {result.ResolvedThrough:N0} errors {result.Errors}");
        }

        var median = Median(results.Select(r => r.EventsPerSecond));
        var summary = new
        {
            mode = "ingest",
            provider = s.Provider,
            batch = s.Batch,
            concurrency = s.Concurrency,
            seconds = s.Seconds,
            warmupSeconds = s.Warmup,
            meanEventBytes = Math.Round(corpus.MeanEventBytes),
            machine = Machine.Describe(),
            medianEventsPerSecond = Math.Round(median),
            medianP50Ms = Median(results.Select(r => r.P50Ms)),
            medianP99Ms = Median(results.Select(r => r.P99Ms)),
            medianPeakRssMiB = Math.Round(Median(results.Select(r => r.PeakRssBytes / 1048576.0))),
            medianWindowCpuMicrosPerEvent = Math.Round(Median(results.Select(r => r.WindowCpuMicrosPerEvent)), 1),
            runs = results,
        };
        var name = $"ingest-{s.Provider}-b{s.Batch}-c{s.Concurrency}";
        var table = new StringBuilder()
            .AppendLine("| provider | batch | concurrency | events/s (median) | runs | p50 ms | p99 ms | peak RSS MiB | server CPU µs/event |")
            .AppendLine("|---|---:|---:|---:|---|---:|---:|---:|---:|")
            .AppendLine($"| {s.Provider} | {s.Batch:N0} | {s.Concurrency} | {median:N0} | " +
                        $"{string.Join(" / ", results.Select(r => r.EventsPerSecond.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} | " +
                        $"{summary.medianP50Ms:F1} | {summary.medianP99Ms:F1} | {summary.medianPeakRssMiB:F0} | {summary.medianWindowCpuMicrosPerEvent:F1} |");
        Output.Write(s.OutDirectory, name, summary, table.ToString());
        var lost = results.Where(r => r.Stored != r.Acknowledged || r.Errors > 0).ToList();
        if (lost.Count > 0)
        {
            Console.Error.WriteLine("Stored count differs from acknowledged count, or requests failed: see the runs above.");
            return 1;
        }
        return 0;
    }

    static async Task<RunResult> OneRunAsync(Settings s, string cli, EventCorpus corpus, int run)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "cg-bench-" + Guid.NewGuid().ToString("N")[..10]);
        string? schema = null;
        var storeOptions = new StoreOptions { Provider = s.Provider, DataDirectory = dataDirectory };
        List<string> storeArgs;
        if (s.Provider == StoreOptions.Postgres)
        {
            schema = "bench_" + Guid.NewGuid().ToString("N")[..10];
            await ExecuteAsync(s.ConnectionString!, $"CREATE SCHEMA {schema}");
            storeOptions.ConnectionString = new NpgsqlConnectionStringBuilder(s.ConnectionString) { SearchPath = schema }.ConnectionString;
            storeArgs = ["--provider", "postgres", "--connection-string", storeOptions.ConnectionString];
        }
        else
        {
            storeArgs = ["--data", dataDirectory];
        }

        try
        {
            using var sourceJson = JsonDocument.Parse(await ServerProcess.RunCliAsync(cli,
                ["sources", "add", .. storeArgs, "--team", "bench", "--name", "load-" + run, "--json"]));
            var writeKey = sourceJson.RootElement.GetProperty("writeKey").GetString()!;
            var sourceId = sourceJson.RootElement.GetProperty("id").GetString()!;

            RunResult result;
            await using (var server = await ServerProcess.StartAsync(cli, storeArgs))
            {
                Console.WriteLine($"run {run}: server pid {server.Id} on {server.Url}");
                result = await LoadAsync(s, corpus, server, writeKey, run);
                await server.StopAsync();
            }
            // The server is gone; open the store ourselves and count what was kept.
            await using (var store = await StoreFactory.OpenAsync(storeOptions, CancellationToken.None))
            {
                var stored = await store.Events.CountAsync(sourceId, CancellationToken.None);
                var (resolved, _) = await store.Identity.ProgressAsync(CancellationToken.None);
                result = result with { Stored = stored, ResolvedThrough = resolved };
            }
            return result;
        }
        finally
        {
            if (schema is not null) await ExecuteAsync(s.ConnectionString!, $"DROP SCHEMA {schema} CASCADE");
            if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
        }
    }

    static async Task<RunResult> LoadAsync(Settings s, EventCorpus corpus, ServerProcess server, string writeKey, int run)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = s.Concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
        };
        using var http = new HttpClient(handler) { BaseAddress = server.Url, Timeout = TimeSpan.FromMinutes(2) };
        var auth = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));
        var json = new MediaTypeHeaderValue("application/json");

        var clock = Stopwatch.StartNew();
        var windowStart = TimeSpan.FromSeconds(s.Warmup);
        var windowEnd = windowStart + TimeSpan.FromSeconds(s.Seconds);
        long nextSequence = 0;
        long acknowledged = 0, errors = 0;
        var loadCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var serverCpuBefore = ServerCpu(server.Id);

        async Task<(List<double> Latencies, long Events)> SendAsync(int sender)
        {
            var latencies = new List<double>(4096);
            long windowEvents = 0;
            var buffer = new byte[corpus.Bodies.Max(b => b.Bytes.Length)];
            while (clock.Elapsed < windowEnd)
            {
                var sequence = Interlocked.Add(ref nextSequence, s.Batch) - s.Batch;
                var body = corpus.Bodies[(int)(sequence / s.Batch % corpus.Bodies.Count)];
                body.Bytes.CopyTo(buffer, 0);
                EventCorpus.Stamp(buffer, body, sequence);
                using var request = new HttpRequestMessage(HttpMethod.Post, "v1/batch")
                {
                    Content = new ByteArrayContent(buffer, 0, body.Bytes.Length),
                };
                request.Content.Headers.ContentType = json;
                request.Headers.Authorization = auth;
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.SendAsync(request);
                    await response.Content.LoadIntoBufferAsync();
                    var ended = clock.Elapsed;
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref errors);
                        if (Interlocked.Read(ref errors) <= 3)
                            Console.Error.WriteLine($"sender {sender}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        continue;
                    }
                    Interlocked.Add(ref acknowledged, s.Batch);
                    if (ended >= windowStart && ended < windowEnd)
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        windowEvents += s.Batch;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                    Console.Error.WriteLine($"sender {sender}: {ex.Message}");
                    await Task.Delay(100);
                }
            }
            return (latencies, windowEvents);
        }

        // The server's CPU over the timed window only, so warm-up and JIT do not count against the events.
        async Task<(double Seconds, double LoadAverage)> WindowCpuAsync()
        {
            await Task.Delay(windowStart - clock.Elapsed);
            var before = ServerCpu(server.Id);
            var loadAverage = Machine.LoadAverage();
            await Task.Delay(windowEnd - clock.Elapsed);
            return (ServerCpu(server.Id) - before, loadAverage);
        }

        var window = WindowCpuAsync();
        var senders = Enumerable.Range(0, s.Concurrency).Select(i => Task.Run(() => SendAsync(i))).ToArray();
        var done = await Task.WhenAll(senders);
        var (windowCpu, windowLoadAverage) = await window;
        var peak = server.PeakRssBytes();
        var serverCpu = ServerCpu(server.Id) - serverCpuBefore;
        var loadCpu = (Process.GetCurrentProcess().TotalProcessorTime - loadCpuBefore).TotalSeconds;

        var all = done.SelectMany(d => d.Latencies).Order().ToArray();
        var windowEventsTotal = done.Sum(d => d.Events);
        return new RunResult(run, windowEventsTotal, windowEventsTotal / (double)s.Seconds,
            Percentile(all, 0.50), Percentile(all, 0.99), all.Length > 0 ? all[^1] : 0,
            peak, serverCpu, windowEventsTotal > 0 ? windowCpu * 1e6 / windowEventsTotal : 0, loadCpu, windowLoadAverage,
            acknowledged, Stored: -1, errors);
    }

    /// <summary>User plus system CPU seconds of a process, from /proc/PID/stat.</summary>
    internal static double ServerCpu(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields after the command: state is index 0, so utime (14th) and stime (15th) are 11 and 12.
        var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) +
                    long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return ticks / 100.0;
    }

    static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
