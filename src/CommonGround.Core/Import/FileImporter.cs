using System.Diagnostics;
using CommonGround.Events;
using CommonGround.Records;
using CommonGround.Sources;
using CommonGround.Storage;

namespace CommonGround.Import;

/// <summary>What to import: a file of one kind, for one source.</summary>
public sealed record ImportRequest
{
    public required ImportKind Kind { get; init; }
    public required string Path { get; init; }
    public required Source Source { get; init; }

    /// <summary>Null: from the file's extension.</summary>
    public ImportFormat? Format { get; init; }

    public ColumnMapping Mapping { get; init; } = ColumnMapping.Default;

    /// <summary>Null: <c>&lt;input&gt;.rejects.csv</c> next to the input.</summary>
    public string? RejectsPath { get; init; }

    /// <summary>Rows per store call (one transaction each).</summary>
    public int BatchSize { get; init; } = 10_000;
}

/// <summary>How far an import is: rows read, and bytes read of the file's size.</summary>
public sealed record ImportProgress(long RowsRead, long BytesRead, long TotalBytes)
{
    /// <summary>0 to 1.</summary>
    public double Fraction => TotalBytes <= 0 ? 1 : Math.Clamp((double)BytesRead / TotalBytes, 0, 1);
}

/// <summary>
/// What an import did. For customers and orders, Inserted + Updated + Unchanged + Rejected = RowsRead;
/// for events, Inserted + Duplicates + Rejected = RowsRead. <see cref="RejectsPath"/> is null when no
/// row was rejected.
/// </summary>
public sealed record ImportSummary(
    ImportKind Kind,
    long RowsRead,
    long Inserted,
    long Updated,
    long Unchanged,
    long Duplicates,
    long Rejected,
    string? RejectsPath,
    TimeSpan Elapsed);

/// <summary>
/// Imports a team's export file into the store: streams its rows in batches, upserts customers and
/// orders by their natural key or appends events (deduplicated by message id), adds what arrived to
/// the catalog, and writes rows it cannot take to the rejects file with the reason. Importing the same
/// file again stores nothing new. One import at a time per instance.
/// </summary>
public sealed class FileImporter(IStore store, TimeProvider time)
{
    /// <exception cref="ImportInputException">
    /// The file cannot be imported at all (missing, unknown format, a mapping to a column that is not
    /// there); thrown before any row is read.
    /// </exception>
    public async Task<ImportSummary> ImportAsync(ImportRequest request, IProgress<ImportProgress>? progress,
        CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(request.BatchSize, 1);
        if (!File.Exists(request.Path)) throw new ImportInputException($"The file '{request.Path}' does not exist.");
        var started = time.GetTimestamp();
        var receivedAt = time.GetUtcNow();

        await using var reader = RowReaders.Open(request.Path, request.Format);
        var columns = await reader.OpenAsync(ct);
        var mapping = request.Mapping.Resolve(request.Kind, columns);
        var builder = new RecordBuilder(request.Kind, request.Source.Id, mapping, receivedAt);
        var batch = new Batch(request.Kind, request.BatchSize);
        var counts = new Counts();

        await using (var rejects = new RejectsFile(request.RejectsPath ?? RejectsFile.DefaultPathFor(request.Path), reader.RowNumbering))
        {
            await foreach (var row in reader.ReadRowsAsync(ct))
            {
                counts.Read++;
                var reason = row.Error ?? batch.Add(builder, row);
                if (reason is not null)
                {
                    await rejects.AddAsync(row.Number, $"row {row.Number}: {reason}", row.Raw, ct);
                }
                if (batch.IsFull)
                {
                    await FlushAsync(batch, builder, request.Source, counts, ct);
                    progress?.Report(new ImportProgress(counts.Read, reader.BytesRead, reader.TotalBytes));
                }
                else if (counts.Read % 1000 == 0)
                {
                    progress?.Report(new ImportProgress(counts.Read, reader.BytesRead, reader.TotalBytes));
                }
            }
            await FlushAsync(batch, builder, request.Source, counts, ct);
            progress?.Report(new ImportProgress(counts.Read, reader.TotalBytes, reader.TotalBytes));
            counts.Rejected = rejects.Count;

            return new ImportSummary(request.Kind, counts.Read, counts.Inserted, counts.Updated, counts.Unchanged,
                counts.Duplicates, rejects.Count, rejects.Count > 0 ? Path.GetFullPath(rejects.Path) : null,
                time.GetElapsedTime(started));
        }
    }

    async Task FlushAsync(Batch batch, RecordBuilder builder, Source source, Counts counts, CancellationToken ct)
    {
        if (batch.Count == 0) return;
        switch (batch.Kind)
        {
            case ImportKind.Customers:
                counts.Add(await store.Records.UpsertCustomersAsync(batch.Customers, ct));
                break;
            case ImportKind.Orders:
                counts.Add(await store.Records.UpsertOrdersAsync(batch.Orders, ct));
                break;
            case ImportKind.Events:
                var stored = await store.Events.AppendAsync(batch.Events, ct);
                counts.Inserted += stored;
                counts.Duplicates += batch.Events.Count - stored;
                break;
        }
        batch.Clear();
        var observations = builder.Tally.Drain(source.Team, time.GetUtcNow());
        if (observations.Count > 0) await store.Catalog.ObserveAsync(observations, ct);
    }

    sealed class Counts
    {
        public long Read;
        public long Inserted;
        public long Updated;
        public long Unchanged;
        public long Duplicates;
        public long Rejected;

        public void Add(UpsertResult result)
        {
            Inserted += result.Inserted;
            Updated += result.Updated;
            Unchanged += result.Unchanged;
        }
    }

    /// <summary>
    /// The records waiting for the store. A key that is already waiting (the same customer twice in a
    /// file) makes the batch full first, so one store call never sees a key twice and the later row wins.
    /// </summary>
    sealed class Batch(ImportKind kind, int size)
    {
        readonly HashSet<string> keys = new(StringComparer.Ordinal);
        object? pending;

        public ImportKind Kind => kind;
        public List<CustomerRecord> Customers { get; } = [];
        public List<OrderRecord> Orders { get; } = [];
        public List<TrackedEvent> Events { get; } = [];
        public int Count => Customers.Count + Orders.Count + Events.Count;
        public bool IsFull => Count >= size || pending is not null;

        /// <summary>Builds the row's record and adds it; the reject reason when it cannot be built.</summary>
        public string? Add(RecordBuilder builder, ImportRow row)
        {
            Debug.Assert(pending is null, "A full batch is flushed before the next row.");
            switch (kind)
            {
                case ImportKind.Customers:
                    var customer = builder.Customer(row);
                    if (customer.Record is null) return customer.Reason;
                    Put(customer.Record, customer.Record.CustomerId, Customers);
                    return null;
                case ImportKind.Orders:
                    var order = builder.Order(row);
                    if (order.Record is null) return order.Reason;
                    Put(order.Record, order.Record.OrderId, Orders);
                    return null;
                default:
                    var tracked = builder.Event(row);
                    if (tracked.Record is null) return tracked.Reason;
                    Events.Add(tracked.Record);
                    return null;
            }
        }

        void Put<T>(T record, string key, List<T> list)
        {
            if (keys.Add(key)) list.Add(record);
            else pending = record;
        }

        public void Clear()
        {
            Customers.Clear();
            Orders.Clear();
            Events.Clear();
            keys.Clear();
            switch (pending)
            {
                case CustomerRecord c: keys.Add(c.CustomerId); Customers.Add(c); break;
                case OrderRecord o: keys.Add(o.OrderId); Orders.Add(o); break;
            }
            pending = null;
        }
    }
}
