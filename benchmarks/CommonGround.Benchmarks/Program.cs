using BenchmarkDotNet.Running;
using CommonGround.Benchmarks;
using CommonGround.Storage;

// Modes:
//   ingest  --provider duckdb|postgres [--connection-string CS] --batch N --seconds S --concurrency C --runs R
//   ceiling --batch N --seconds S --runs R
//   identity [--people 1000000] [--runs 3] [--batches 5] [--batch-events 10000] [--sql-runs 3] [--sql propagation|recursive] [--seed N]
//   arbitration [--customers 1000000] [--campaigns 20] [--runs 3] [--sql-runs 3] [--parallelism 0] [--seed 42]
//   audiences-generate [--profiles 10000000] [--events 100000000] [--seed 42] [--campaigns 100] [--data DIR] [--only campaigns]
//   audiences [--data DIR] [--runs 5] [--only audience|overlap] [--provider duckdb|postgres] [--connection-string CS]
//   overlap-postgres --connection-string CS [--data DIR] [--profiles 1000000] [--runs 3]
//   decisions-http [--customers 100000] [--concurrency 64] [--seconds 20] [--warmup 10] [--runs 3] [--client dotnet|wrk]
//   redis-decisions --redis SEEDS [--customers 100000] [--concurrency 128] [--seconds 20] [--warmup 5] [--runs 3] [--step-ms 500]
//   micro   [BenchmarkDotNet arguments, e.g. --filter *]
// Every mode writes NAME.json and NAME.md to --out (default benchmark-results).
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("""
        usage (from the repository root, after `dotnet build -c Release`):
          dotnet benchmarks/CommonGround.Benchmarks/bin/Release/net10.0/linux-x64/CommonGround.Benchmarks.dll ingest \
              --provider duckdb|postgres [--connection-string CS] [--batch 1000] [--seconds 30] [--warmup 5] \
              [--concurrency 4] [--runs 3] [--out benchmark-results] [--cli path/to/commonground.dll]
          ... ceiling [--batch 1000] [--seconds 20] [--runs 3] [--out benchmark-results]
          ... identity [--people 1000000] [--runs 3] [--batches 5] [--batch-events 10000] [--sql-runs 3] [--sql propagation|recursive] [--seed 42] [--out benchmark-results]
          ... arbitration [--customers 1000000] [--campaigns 20] [--runs 3] [--sql-runs 3] [--parallelism 0] [--seed 42] [--out benchmark-results]
          ... audiences-generate [--profiles 10000000] [--events 100000000] [--seed 42] [--campaigns 100] [--data DIR] [--only campaigns]
          ... audiences [--data DIR] [--runs 5] [--only audience|overlap] [--out benchmark-results]
          ... overlap-postgres --connection-string CS [--data DIR] [--profiles 1000000] [--runs 3] [--out benchmark-results]
          ... decisions-http [--customers 100000] [--concurrency 64] [--seconds 20] [--warmup 10] [--runs 3] [--client dotnet|wrk] [--out benchmark-results]
          ... redis-decisions --redis 127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002 [--customers 100000] [--concurrency 128] \
              [--seconds 20] [--warmup 5] [--runs 3] [--step-ms 500] [--out benchmark-results]
          ... micro [BenchmarkDotNet arguments, e.g. --filter *ReaderBenchmarks*]
        """);
    return args.Length == 0 ? 2 : 0;
}

var mode = args[0];
if (mode == "micro")
{
    BenchmarkSwitcher.FromAssembly(typeof(ReaderBenchmarks).Assembly).Run(args[1..].Length > 0 ? args[1..] : ["--filter", "*"]);
    return 0;
}

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"Unexpected argument '{args[i]}'; options take a value: --name VALUE.");
        return 2;
    }
    options[args[i][2..]] = args[++i];
}
string Text(string name, string fallback) => options.GetValueOrDefault(name, fallback);
int Number(string name, int fallback) =>
    options.TryGetValue(name, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
var output = Text("out", "benchmark-results");

switch (mode)
{
    case "ingest":
        var provider = Text("provider", StoreOptions.DuckDb);
        if (provider is not (StoreOptions.DuckDb or StoreOptions.Postgres))
        {
            Console.Error.WriteLine("--provider must be duckdb or postgres.");
            return 2;
        }
        var connectionString = options.GetValueOrDefault("connection-string");
        if (provider == StoreOptions.Postgres && string.IsNullOrEmpty(connectionString))
        {
            Console.Error.WriteLine("--provider postgres needs --connection-string (each run uses a schema of its own in that database).");
            return 2;
        }
        return await IngestLoad.RunAsync(new IngestLoad.Settings(provider, connectionString, Number("batch", 1000),
            Number("seconds", 30), Number("warmup", 5), Number("concurrency", 4), Number("runs", 3), output,
            options.GetValueOrDefault("cli")));
    case "ceiling":
        return await Ceiling.RunAsync(new Ceiling.Settings(Number("batch", 1000), Number("seconds", 20), Number("runs", 3), output));
    case "identity":
        return await IdentityResolution.RunAsync(new IdentityResolution.Settings(Number("people", 1_000_000), Number("seed", 42), Number("runs", 3),
            Number("batches", 5), Number("batch-events", 10_000), Number("sql-runs", 3), Text("sql", "propagation"), output));
    case "arbitration":
        return await ContactArbitration.RunAsync(new ContactArbitration.Settings(Number("customers", 1_000_000), Number("campaigns", 20), Number("runs", 3),
            Number("sql-runs", 3), Number("parallelism", 0), Number("seed", 42), output));
    case "audiences-generate":
        var profiles = long.Parse(Text("profiles", "10000000"), System.Globalization.CultureInfo.InvariantCulture);
        return await AudienceStoreGenerator.RunAsync(new AudienceStoreGenerator.Settings(profiles,
            long.Parse(Text("events", (profiles * 10).ToString(System.Globalization.CultureInfo.InvariantCulture)), System.Globalization.CultureInfo.InvariantCulture),
            Number("seed", 42), Text("data", AudienceStoreGenerator.DefaultDirectory(profiles)), Number("campaigns", 100), Text("only", "") == "campaigns"));
    case "audiences":
        return await AudienceBenchmark.RunAsync(new AudienceBenchmark.Settings(Text("data", AudienceStoreGenerator.DefaultDirectory(10_000_000)),
            Number("runs", 5), output, Text("only", "")));
    case "overlap-postgres":
        return await PostgresOverlapBenchmark.RunAsync(new PostgresOverlapBenchmark.Settings(Text("data", AudienceStoreGenerator.DefaultDirectory(10_000_000)),
            Text("connection-string", ""), long.Parse(Text("profiles", "1000000"), System.Globalization.CultureInfo.InvariantCulture), Number("runs", 3), output));
    case "decisions-http":
        return await DecisionLoad.RunAsync(new DecisionLoad.Settings(Number("customers", 100_000), Number("concurrency", 64),
            Number("seconds", 20), Number("warmup", 10), Number("runs", 3), output, Text("client", "dotnet")));
    case "redis-decisions":
        if (!options.TryGetValue("redis", out var seeds))
        {
            Console.Error.WriteLine("redis-decisions needs --redis with the cluster's seed nodes (scripts/redis-cluster.sh start prints them).");
            return 2;
        }
        return await RedisDecisions.RunAsync(new RedisDecisions.Settings(seeds, Number("customers", 100_000), Number("concurrency", 128),
            Number("seconds", 20), Number("warmup", 5), Number("runs", 3), Number("step-ms", 500), output));
    default:
        Console.Error.WriteLine($"Unknown mode '{mode}'; use ingest, ceiling, identity, arbitration, audiences-generate, audiences, overlap-postgres, decisions-http, redis-decisions or micro.");
        return 2;
}
