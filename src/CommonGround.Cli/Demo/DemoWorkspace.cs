using System.Diagnostics;
using System.Threading.Channels;
using CommonGround.Access;
using CommonGround.Sources;
using CommonGround.Storage;

namespace CommonGround.Cli.Demo;

/// <summary>How big the demo is and where its randomness and "now" come from.</summary>
public sealed record DemoOptions
{
    public const int DefaultCustomers = 50_000;
    public const int MaxCustomers = 2_000_000;

    /// <summary>Customer records of the loyalty source (households, duplicates included).</summary>
    public int Customers { get; init; } = DefaultCustomers;

    /// <summary>The same seed and the same hour give the same data.</summary>
    public int Seed { get; init; } = 20_240_917;

    /// <summary>"Now": orders reach a year back from it, events 90 days, so the data always looks fresh.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Households per store round trip (roughly 1.9 customers and 20 events each). Big batches pay off:
    /// each commit of an embedded store may trigger a checkpoint, whatever its size.
    /// </summary>
    public int HouseholdsPerBatch { get; init; } = 5_000;
}

/// <summary>How far the generation is.</summary>
public sealed record DemoProgress(int Customers, int CustomersTotal, long Orders, long Events);

/// <summary>One of the demo's sources and what it holds.</summary>
public sealed record DemoSourceSummary(Source Source, long Events);

/// <summary>
/// What <see cref="DemoWorkspace.EnsureAsync"/> found or made. <see cref="AdminKey"/> is set only when
/// this call created the workspace (the secret exists nowhere else).
/// </summary>
public sealed record DemoWorkspaceResult(
    bool Created,
    long Customers,
    long Orders,
    IReadOnlyList<DemoSourceSummary> Sources,
    TimeSpan Elapsed,
    string? AdminKey)
{
    /// <summary>The web shop's write key: what a browser SDK would send.</summary>
    public string WriteKey => Sources.Single(s => s.Source.Name == DemoWorkspace.WebSourceName).Source.WriteKey;
}

/// <summary>
/// A ready-made workspace for trying CommonGround: a retailer whose five customer-facing teams each
/// send data from one source. Created once in a store; later calls find it and change nothing.
/// </summary>
/// <remarks>
/// The store itself says whether the workspace exists, so this works the same on DuckDB and on
/// PostgreSQL: the demo's admin key (named <see cref="AdminKeyName"/>) is minted only after all data
/// is stored, so its presence means "complete". A run that was interrupted before that finds the
/// sources but no key and generates again; customers and orders are upserted by natural key and events
/// carry fixed message ids, so the second pass fills in what is missing instead of duplicating.
/// A store that holds anything else than the demo's sources is refused: the demo never mixes synthetic
/// people into real data.
/// </remarks>
public static class DemoWorkspace
{
    public const string AdminKeyName = "demo workspace";
    public const string WebSourceName = "web-shop";

    /// <summary>The five sources, one per team, in <see cref="DemoSource"/> order.</summary>
    public static readonly IReadOnlyList<(string Name, string Team)> SourceNames =
    [
        ("loyalty-crm", "loyalty marketing"),
        ("ad-server", "retail media"),
        ("social-ads", "social"),
        (WebSourceName, "web"),
        ("call-center", "telemarketing"),
    ];

    /// <exception cref="CliInputException">The store holds sources that are not the demo's.</exception>
    public static async Task<DemoWorkspaceResult> EnsureAsync(IStore store, DemoOptions options,
        IProgress<DemoProgress>? progress, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Customers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Customers, DemoOptions.MaxCustomers);
        var started = Stopwatch.GetTimestamp();
        var sources = await SourcesAsync(store, options.Time, ct);
        if (await ExistsAsync(store, ct))
            return await SummaryAsync(store, sources, created: false, Stopwatch.GetElapsedTime(started), null, ct);

        await GenerateAsync(store, sources, options, progress, ct);
        await DemoAudiences.AddAsync(store, options.Time, ct);
        await DemoCampaigns.AddAsync(store, options.Time, ct);
        await DemoSuppression.AddAsync(store, options.Time, ct);

        var (key, secret) = Secrets.MintApiKey(ApiKeyRole.Admin, null, AdminKeyName, options.Time.GetUtcNow());
        await store.ApiKeys.AddAsync(key, ct);
        return await SummaryAsync(store, sources, created: true, Stopwatch.GetElapsedTime(started), secret, ct);
    }

    /// <summary>Whether a complete demo workspace is in the store (its admin key was minted).</summary>
    public static async Task<bool> ExistsAsync(IStore store, CancellationToken ct) =>
        (await store.ApiKeys.ListAsync(ct)).Any(k => k.Name == AdminKeyName);

    /// <summary>Finds the demo's five sources, creating the missing ones; refuses a store with others.</summary>
    static async Task<Source[]> SourcesAsync(IStore store, TimeProvider time, CancellationToken ct)
    {
        var existing = await store.Sources.ListAsync(ct);
        var foreign = existing.Where(s => !SourceNames.Contains((s.Name, s.Team))).Select(s => $"{s.Name} ({s.Team})").ToList();
        if (foreign.Count > 0)
        {
            throw new CliInputException(
                "This store already holds sources that are not the demo's: " + string.Join(", ", foreign) + ". " +
                "The demo adds 50,000 made-up customers, so it only runs on an empty store or its own: " +
                "pass another folder, e.g. --data ./commonground-demo.");
        }
        var sources = new Source[SourceNames.Count];
        for (var i = 0; i < SourceNames.Count; i++)
        {
            var (name, team) = SourceNames[i];
            sources[i] = existing.FirstOrDefault(s => s.Name == name) ?? new Source
            {
                Id = Secrets.NewId(),
                Name = name,
                Team = team,
                WriteKey = Secrets.NewWriteKey(),
                CreatedAt = time.GetUtcNow(),
            };
            if (!existing.Contains(sources[i])) await store.Sources.AddAsync(sources[i], ct);
        }
        return sources;
    }

    /// <summary>
    /// Draws households on one thread and stores them on another, a batch at a time, so drawing the
    /// next batch overlaps with the store's write of the last.
    /// </summary>
    static async Task GenerateAsync(IStore store, Source[] sources, DemoOptions options, IProgress<DemoProgress>? progress,
        CancellationToken ct)
    {
        // Whole hours, so a run resumed after an interruption within the hour draws the very same rows.
        var clock = options.Time.GetUtcNow();
        var now = new DateTimeOffset(clock.Year, clock.Month, clock.Day, clock.Hour, 0, 0, TimeSpan.Zero);
        var population = DemoPopulation.Create(options.Customers, options.Seed, now);
        var data = new DemoData(population, [.. sources.Select(s => s.Id)], [.. sources.Select(s => s.Team)],
            options.Seed, now, clock);

        var batches = Channel.CreateBounded<DemoChunk>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(async () =>
        {
            try
            {
                var households = population.Households.Count;
                for (var first = 0; first < households; first += options.HouseholdsPerBatch)
                {
                    var chunk = data.Generate(first, Math.Min(options.HouseholdsPerBatch, households - first));
                    await batches.Writer.WriteAsync(chunk, stop.Token);
                }
                batches.Writer.Complete();
            }
            catch (Exception ex)
            {
                batches.Writer.Complete(ex);
            }
        }, stop.Token);

        var (customers, orders, events) = (0, 0L, 0L);
        // The catalog is written once at the end: it changes per field, not per row, and the store merges.
        var observations = new List<Catalog.CatalogObservation>();
        try
        {
            await foreach (var chunk in batches.Reader.ReadAllAsync(ct))
            {
                await store.Records.UpsertCustomersAsync(chunk.Customers, ct);
                await store.Records.UpsertOrdersAsync(chunk.Orders, ct);
                await store.Events.AppendAsync(chunk.Events, ct);
                observations.AddRange(chunk.Observations);
                customers += chunk.Customers.Count;
                orders += chunk.Orders.Count;
                events += chunk.Events.Count;
                progress?.Report(new DemoProgress(customers, options.Customers, orders, events));
            }
            await store.Catalog.ObserveAsync(observations, ct);
        }
        finally
        {
            await stop.CancelAsync();
            try { await producer; } catch (OperationCanceledException) { }
        }
    }

    static async Task<DemoWorkspaceResult> SummaryAsync(IStore store, Source[] sources, bool created, TimeSpan elapsed,
        string? adminKey, CancellationToken ct)
    {
        var loyalty = sources[(int)DemoSource.Loyalty].Id;
        var summaries = new List<DemoSourceSummary>();
        foreach (var source in sources) summaries.Add(new DemoSourceSummary(source, await store.Events.CountAsync(source.Id, ct)));
        return new DemoWorkspaceResult(created, await store.Records.CountCustomersAsync(loyalty, ct),
            await store.Records.CountOrdersAsync(loyalty, ct), summaries, elapsed, adminKey);
    }
}
