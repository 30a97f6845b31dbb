using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CommonGround.Campaigns;
using CommonGround.Storage;
using CommonGround.Web.Hosting;

namespace CommonGround.Benchmarks;

/// <summary>
/// Real-time decisions over HTTP: <c>POST /api/decisions</c> to the real <c>commonground serve</c>
/// (its own process, embedded store, journaled ledger), from this process as the load generator.
/// The workspace is made first: an admin key and a source with the CLI, three campaigns of three
/// teams in the store, and <c>--customers</c> people sent as identify calls and resolved by the
/// server. Then <c>--concurrency</c> callers ask, each for a random customer by userId and one of
/// the campaigns, as fast as answers come; only the timed window counts.
/// </summary>
static class DecisionLoad
{
    /// <param name="Client">"dotnet" (this process with HttpClient) or "wrk" (the C load generator from Debian's wrk package, which leaves more of the 2 cores to the server).</param>
    public sealed record Settings(int Customers, int Concurrency, int Seconds, int Warmup, int Runs, string Output, string Client = "dotnet");

    sealed record RunResult(int Run, long Decisions, double PerSecond, double AllowedShare, double P50Ms, double P99Ms, double MaxMs,
        long PeakRssBytes, double ServerCpuMicrosPerDecision, double LoadAverage, long Errors);

    static readonly string[] CampaignIds = ["c-web", "c-ads", "c-letter"];

    public static async Task<int> RunAsync(Settings s)
    {
        var cli = ServerProcess.CliPath(Repository.Root());
        Console.WriteLine($"decisions over HTTP: {s.Customers:N0} customers, {s.Concurrency} callers ({s.Client}), {s.Runs} x {s.Seconds} s after {s.Warmup} s");
        var results = new List<RunResult>();
        for (var run = 1; run <= s.Runs; run++) results.Add(await RunOnceAsync(s, cli, run));

        var md = new StringBuilder()
            .AppendLine($"## Decisions over HTTP ({s.Customers:N0} customers, {s.Concurrency} callers from {s.Client}, embedded store)")
            .AppendLine()
            .AppendLine("| run | decisions/s | allowed | p50 ms | p99 ms | max ms | server peak RSS | server CPU µs/decision | load avg | errors |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            md.AppendLine(FormattableString.Invariant(
                $"| {r.Run} | {r.PerSecond:N0} | {r.AllowedShare:P1} | {r.P50Ms:F2} | {r.P99Ms:F2} | {r.MaxMs:F1} | {r.PeakRssBytes / 1048576} MiB | {r.ServerCpuMicrosPerDecision:F1} | {r.LoadAverage:F1} | {r.Errors} |"));
        }
        md.AppendLine().AppendLine(FormattableString.Invariant(
            $"Median: {IngestLoad.Median(results.Select(r => r.PerSecond)):N0} decisions/s, p99 {IngestLoad.Median(results.Select(r => r.P99Ms)):F2} ms."));
        Directory.CreateDirectory(s.Output);
        await File.WriteAllTextAsync(Path.Combine(s.Output, "decisions-http.md"), md.ToString());
        await File.WriteAllTextAsync(Path.Combine(s.Output, "decisions-http.json"),
            JsonSerializer.Serialize(new { settings = new { s.Customers, s.Concurrency, s.Seconds, s.Warmup, s.Runs, s.Client }, runs = results }, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
        Console.WriteLine();
        Console.WriteLine(md);
        Console.WriteLine($"Written to {Path.Combine(s.Output, "decisions-http")}.json and .md");
        return results.Any(r => r.Errors > 0) ? 1 : 0;
    }

    static async Task<RunResult> RunOnceAsync(Settings s, string cli, int run)
    {
        var data = Directory.CreateTempSubdirectory("cg-decisions-").FullName;
        try
        {
            string[] storeArgs = ["--data", data];
            using var keyJson = JsonDocument.Parse(await ServerProcess.RunCliAsync(cli, ["keys", "create", .. storeArgs, "--role", "admin", "--json"]));
            var adminKey = keyJson.RootElement.GetProperty("secret").GetString()!;
            using var sourceJson = JsonDocument.Parse(await ServerProcess.RunCliAsync(cli,
                ["sources", "add", .. storeArgs, "--team", "bench", "--name", "customers", "--json"]));
            var writeKey = sourceJson.RootElement.GetProperty("writeKey").GetString()!;
            await AddCampaignsAsync(data);

            await using var server = await ServerProcess.StartAsync(cli, storeArgs);
            Console.WriteLine($"run {run}: server pid {server.Id} on {server.Url}");
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = s.Concurrency, UseProxy = false };
            using var http = new HttpClient(handler) { BaseAddress = server.Url, Timeout = TimeSpan.FromMinutes(2) };
            await SendCustomersAsync(http, writeKey, s.Customers);
            await WaitUntilResolvedAsync(http, adminKey, s.Customers);
            var result = s.Client == "wrk" ? await WrkLoadAsync(s, server, adminKey, run) : await LoadAsync(s, http, server, adminKey, run);
            await server.StopAsync();
            Console.WriteLine(FormattableString.Invariant(
                $"run {run}: {result.PerSecond,10:N0} decisions/s  allowed {result.AllowedShare:P1}  p50 {result.P50Ms:F2} ms  p99 {result.P99Ms:F2} ms  peak RSS {result.PeakRssBytes / 1048576} MiB  server {result.ServerCpuMicrosPerDecision:F1} µs/decision  load avg {result.LoadAverage:F1}  errors {result.Errors}"));
            return result;
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Three always-on campaigns of three teams on channels that need no opt-in, so every decision reaches the ledger.</summary>
    static async Task AddCampaignsAsync(string data)
    {
        var now = DateTimeOffset.UtcNow;
        await using var store = await StoreFactory.OpenAsync(new StoreOptions { DataDirectory = data }, CancellationToken.None);
        (string Id, string Team, Channel Channel, CampaignCategory Category, int Priority, decimal Value)[] campaigns =
        [
            ("c-web", "web", Channel.WebPersonalisation, CampaignCategory.Marketing, 60, 0.10m),
            ("c-ads", "retail media", Channel.OnSiteAd, CampaignCategory.Advertising, 40, 0.30m),
            ("c-letter", "loyalty", Channel.DirectMail, CampaignCategory.Marketing, 80, 2.50m),
        ];
        foreach (var c in campaigns)
        {
            await store.Campaigns.AddAsync(new Campaign
            {
                Id = c.Id, Name = "Campaign " + c.Id, Team = c.Team, Channel = c.Channel, Category = c.Category,
                Schedule = new AlwaysOnSchedule(now.AddDays(-1), now.AddDays(30)), Priority = c.Priority, ExpectedValue = c.Value,
                HoldoutShare = 0, HoldoutSalt = c.Id, Status = CampaignStatus.Live,
                CreatedBy = "benchmark", CreatedAt = now, UpdatedBy = "benchmark", UpdatedAt = now,
            }, CancellationToken.None);
        }
    }

    static async Task SendCustomersAsync(HttpClient http, string writeKey, int customers)
    {
        var auth = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));
        const int batch = 500;
        for (var first = 0; first < customers; first += batch)
        {
            var calls = Enumerable.Range(first, Math.Min(batch, customers - first)).Select(i => new
            {
                type = "identify", userId = "u" + i, messageId = "id-" + i,
                traits = new { email = $"customer{i}@example.com" },
                timestamp = DateTimeOffset.UtcNow,
            });
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/batch")
            {
                Content = new StringContent(JsonSerializer.Serialize(new { batch = calls }), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = auth;
            using var response = await http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.OK)
                throw new InvalidOperationException($"identify batch refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Identity resolution runs in the background: wait until the last customer has a profile.</summary>
    static async Task WaitUntilResolvedAsync(HttpClient http, string adminKey, int customers)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(10))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"api/profiles?identifier=userId:u{customers - 1}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            using var response = await http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.OK) return;
            await Task.Delay(500);
        }
        throw new InvalidOperationException("The customers were not resolved into profiles within 10 minutes.");
    }

    static async Task<RunResult> LoadAsync(Settings s, HttpClient http, ServerProcess server, string adminKey, int run)
    {
        var auth = new AuthenticationHeaderValue("Bearer", adminKey);
        var bodies = Enumerable.Range(0, s.Customers * CampaignIds.Length)
            .Select(i => Encoding.UTF8.GetBytes($"{{\"identifier\":\"userId:u{i / CampaignIds.Length}\",\"campaign\":\"{CampaignIds[i % CampaignIds.Length]}\"}}"))
            .ToArray();
        var clock = Stopwatch.StartNew();
        var windowStart = TimeSpan.FromSeconds(s.Warmup);
        var windowEnd = windowStart + TimeSpan.FromSeconds(s.Seconds);
        long errors = 0;

        async Task<(List<double> Latencies, long Allowed)> CallAsync(int caller)
        {
            var random = new Random(run * 1000 + caller);
            var latencies = new List<double>(65536);
            long allowed = 0;
            while (clock.Elapsed < windowEnd)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/decisions")
                {
                    Content = new ByteArrayContent(bodies[random.Next(bodies.Length)]),
                };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Authorization = auth;
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsByteArrayAsync();
                var ended = clock.Elapsed;
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    if (Interlocked.Increment(ref errors) <= 3)
                        Console.Error.WriteLine($"caller {caller}: {(int)response.StatusCode} {Encoding.UTF8.GetString(body)}");
                    continue;
                }
                if (ended < windowStart || ended >= windowEnd) continue;
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (body.AsSpan().IndexOf("\"allow\""u8) >= 0) allowed++;
            }
            return (latencies, allowed);
        }

        async Task<(double Seconds, double LoadAverage)> WindowCpuAsync()
        {
            await Task.Delay(windowStart - clock.Elapsed);
            var before = IngestLoad.ServerCpu(server.Id);
            var loadAverage = Machine.LoadAverage();
            await Task.Delay(windowEnd - clock.Elapsed);
            return (IngestLoad.ServerCpu(server.Id) - before, loadAverage);
        }

        var window = WindowCpuAsync();
        var done = await Task.WhenAll(Enumerable.Range(0, s.Concurrency).Select(i => Task.Run(() => CallAsync(i))));
        var (cpu, loadAverage) = await window;
        var all = done.SelectMany(d => d.Latencies).Order().ToArray();
        var count = all.Length;
        return new RunResult(run, count, count / (double)s.Seconds, count == 0 ? 0 : done.Sum(d => d.Allowed) / (double)count,
            IngestLoad.Percentile(all, 0.50), IngestLoad.Percentile(all, 0.99), count > 0 ? all[^1] : 0,
            server.PeakRssBytes(), count > 0 ? cpu * 1e6 / count : 0, loadAverage, Interlocked.Read(ref errors));
    }

    /// <summary>
    /// The same calls from wrk (a Lua script picks a random customer and campaign per request): a
    /// warm-up run, then the timed run with <c>--latency</c>, whose percentiles and requests/s are read
    /// from wrk's report. wrk does not read bodies (reading them would cost it CPU that the server
    /// shares), so the allowed share is not known (NaN).
    /// </summary>
    static async Task<RunResult> WrkLoadAsync(Settings s, ServerProcess server, string adminKey, int run)
    {
        var script = Path.Combine(Path.GetTempPath(), $"cg-decisions-{Environment.ProcessId}.lua");
        await File.WriteAllTextAsync(script, $$"""
            wrk.method = "POST"
            wrk.headers["Content-Type"] = "application/json"
            wrk.headers["Authorization"] = "Bearer {{adminKey}}"
            local campaigns = { "{{string.Join("\", \"", CampaignIds)}}" }
            local counter = 0
            function setup(thread) counter = counter + 1; thread:set("seed", {{run}} * 1000 + counter) end
            function init(args) math.randomseed(seed) end
            function request()
              return wrk.format(nil, "/api/decisions", nil,
                '{"identifier":"userId:u' .. math.random(0, {{s.Customers - 1}}) .. '","campaign":"' .. campaigns[math.random(1, #campaigns)] .. '"}')
            end
            """);
        try
        {
            string[] common = ["-t", "1", "-c", s.Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), "-s", script, "--latency", server.Url.ToString()];
            await RunWrkAsync([.. common, "-d", $"{s.Warmup}s"]);
            var before = IngestLoad.ServerCpu(server.Id);
            var loadAverage = Machine.LoadAverage();
            var report = await RunWrkAsync([.. common, "-d", $"{s.Seconds}s"]);
            var cpu = IngestLoad.ServerCpu(server.Id) - before;
            double Number(string pattern) => double.Parse(System.Text.RegularExpressions.Regex.Match(report, pattern).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            double Millis(string percentile)
            {
                var m = System.Text.RegularExpressions.Regex.Match(report, $@"\s{percentile}%\s+([\d.]+)(us|ms|s)\b");
                var value = double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                return m.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
            }
            // "Latency  avg  stdev  max  +/- stdev": the third value is the slowest answer.
            var latency = System.Text.RegularExpressions.Regex.Match(report, @"Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)\b");
            var max = double.Parse(latency.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) *
                      latency.Groups[2].Value switch { "us" => 0.001, "s" => 1000, _ => 1 };
            var requests = (long)Number(@"(\d+) requests in");
            long Count(string pattern) => System.Text.RegularExpressions.Regex.Match(report, pattern) is { Success: true } m
                ? long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            // Answers that were not 2xx, and requests that got no answer within wrk's 2 s timeout.
            var errors = Count(@"Non-2xx or 3xx responses: (\d+)") + Count(@"Socket errors:.*timeout (\d+)");
            return new RunResult(run, requests, Number(@"Requests/sec:\s+([\d.]+)"), double.NaN, Millis("50"), Millis("99"), max,
                server.PeakRssBytes(), requests > 0 ? cpu * 1e6 / requests : 0, loadAverage, errors);
        }
        finally
        {
            File.Delete(script);
        }
    }

    static async Task<string> RunWrkAsync(string[] arguments)
    {
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start; install it with apt-get install wrk.");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {await process.StandardError.ReadToEndAsync()}");
        return output;
    }
}
