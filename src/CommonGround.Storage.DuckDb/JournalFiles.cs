using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace CommonGround.Storage.DuckDb;

/// <summary>
/// The contact journal's write-ahead files (<c>journal/contact-NNNNNNNNNNNN.log</c> in the data
/// directory). A real-time decision waits until its ledger change is durable; a DuckDB commit costs
/// about 2 ms of CPU and disk work and now and then far more, one append and one sync of a file a
/// tenth of that. So the journal's rows are appended here and synced before the call returns, and
/// move into DuckDB's tables in bulk, in the background (<see cref="MoveAsync"/>, every tenth of a
/// second by default) or before anything reads them.
/// </summary>
/// <remarks>
/// Each move takes the rows of one or more whole files (a new file is started when a move begins) and
/// commits them together with the newest file number moved (table <c>contact_journal_moved</c>), so a
/// crash before that commit replays the files and a crash after it deletes them: nothing is moved twice
/// or lost. A file holds groups, each <c>[length][CRC-32][rows]</c>; a group cut short by a crash was
/// never acknowledged and is dropped at replay. Thread-safe.
/// </remarks>
sealed class JournalFiles : IAsyncDisposable
{
    public const string Folder = "journal";
    const string Prefix = "contact-", Extension = ".log";

    /// <summary>Rows the store has not moved yet, for one table.</summary>
    public sealed record Rows(string Table, List<object?[]> Values);

    /// <summary>Moves rows into the tables and records the newest file number moved, in one transaction.</summary>
    public delegate Task Mover(IReadOnlyList<Rows> rows, long movedThrough);

    readonly string _folder;
    readonly Func<long> _readMovedThrough;
    readonly Mover _move;
    readonly Lock _gate = new();
    readonly SemaphoreSlim _moving = new(1, 1);
    readonly Timer _timer;
    readonly MemoryStream _buffer = new();
    FileStream? _file;
    long _number, _movedThrough;
    // Files written before the current one and not moved yet (a crash's, or a failed move's).
    bool _recovered, _disposed, _unmoved;

    /// <param name="dataDirectory">Where the store's files are.</param>
    /// <param name="readMovedThrough">Reads the newest file number already moved into the tables (0 when none).</param>
    /// <param name="move">Moves rows into the tables with the file number, in one transaction.</param>
    /// <param name="moveEvery">How often waiting rows move into the tables.</param>
    public JournalFiles(string dataDirectory, Func<long> readMovedThrough, Mover move, TimeSpan moveEvery)
    {
        _folder = Path.Combine(dataDirectory, Folder);
        _readMovedThrough = readMovedThrough;
        _move = move;
        _timer = new Timer(_ => _ = MoveInBackgroundAsync(), null, moveEvery, moveEvery);
    }

    /// <summary>
    /// Appends rows (table, values); with <paramref name="sync"/>, returns once they are on disk (with
    /// every row appended before them), else once the operating system has them.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The file cannot be written.</exception>
    public void Append(IReadOnlyList<(string Table, object?[] Values)> rows, bool sync)
    {
        if (rows.Count == 0) return;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Recover();
            var group = Encode(rows);
            try
            {
                _file ??= Create(_number);
                _file.Write(group);
                if (sync) _file.Flush(flushToDisk: true);
            }
            catch (IOException ex)
            {
                throw new StoreUnavailableException($"Cannot write the contact journal in '{_folder}': {ex.Message}", ex);
            }
        }
    }

    /// <summary>
    /// Moves every row appended so far into the tables (waiting for a move already running). Call
    /// before reading the tables; at start it also moves what a crash left.
    /// </summary>
    /// <remarks>
    /// The rows are read back from the files (the disk cache has them): rows kept in memory until
    /// their move would live long enough to be promoted by the GC, at thousands a second.
    /// </remarks>
    public async Task MoveAsync(CancellationToken ct)
    {
        await _moving.WaitAsync(ct);
        try
        {
            long through;
            lock (_gate)
            {
                Recover();
                // Nothing appended and nothing left: no file system call (this runs ten times a second).
                if (_file is null && !_unmoved) return;
                // Later rows go to the next file, so this move covers whole files.
                through = _number;
                _file?.Dispose();
                _file = null;
                _number++;
                _unmoved = true;
            }
            var rows = new Dictionary<string, List<object?[]>>(StringComparer.Ordinal);
            foreach (var (path, number) in Files())
            {
                if (number <= _movedThrough || number > through) continue;
                foreach (var (table, values) in Decode(File.ReadAllBytes(path))) Take(rows, table).Add(values);
            }
            // A failed move leaves the files (and _unmoved) for the next one, which records a newer number that covers them.
            if (rows.Count > 0) await _move([.. rows.Select(r => new Rows(r.Key, r.Value))], through);
            _movedThrough = through;
            DeleteThrough(through);
            lock (_gate) _unmoved = false;
        }
        finally
        {
            _moving.Release();
        }
    }

    async Task MoveInBackgroundAsync()
    {
        if (Volatile.Read(ref _disposed)) return;
        try
        {
            await MoveAsync(CancellationToken.None);
        }
        catch (Exception)
        {
            // The rows stay in their files; the next round or the next read tries again (and a read
            // reports the error).
        }
    }

    IEnumerable<(string Path, long Number)> Files() =>
        Directory.EnumerateFiles(_folder, Prefix + "*" + Extension)
            .Select(path => (path, Number(path)))
            .Where(f => f.Item2 >= 0)
            .OrderBy(f => f.Item2);

    /// <summary>
    /// Once per process, before the first append or move: deletes the files already moved; the others
    /// (a crash came before their move) are left for the next move.
    /// </summary>
    void Recover()
    {
        if (_recovered) return;
        Directory.CreateDirectory(_folder);
        _movedThrough = _readMovedThrough();
        var newest = _movedThrough;
        foreach (var (path, number) in Files())
        {
            if (number <= _movedThrough) File.Delete(path);
            else _unmoved = true;
            newest = Math.Max(newest, number);
        }
        // Appends go to a new file; the next move records a number that covers the files left.
        _number = newest + 1;
        _recovered = true;
    }

    void DeleteThrough(long number)
    {
        foreach (var (path, n) in Files())
        {
            if (n <= number) File.Delete(path);
        }
    }

    FileStream Create(long number) =>
        new(Path.Combine(_folder, $"{Prefix}{number:D12}{Extension}"), FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);

    static long Number(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        return name.StartsWith(Prefix, StringComparison.Ordinal)
               && long.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
    }

    static List<object?[]> Take(Dictionary<string, List<object?[]>> rows, string table)
    {
        if (!rows.TryGetValue(table, out var list)) rows[table] = list = [];
        return list;
    }

    // A group: [int32 length][uint32 CRC-32 of the rows][rows]; a row: table name, value count, tagged values.
    enum Tag : byte { Null, Int64, Int32, String, Decimal, Time }

    ReadOnlySpan<byte> Encode(IReadOnlyList<(string Table, object?[] Values)> rows)
    {
        _buffer.SetLength(0);
        _buffer.Write(stackalloc byte[8]);
        using (var writer = new BinaryWriter(_buffer, Encoding.UTF8, leaveOpen: true))
        {
            foreach (var (table, values) in rows)
            {
                writer.Write(table);
                writer.Write7BitEncodedInt(values.Length);
                foreach (var value in values) Write(writer, value);
            }
        }
        var bytes = _buffer.GetBuffer().AsSpan(0, (int)_buffer.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes, bytes.Length - 8);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[4..], Crc32.HashToUInt32(bytes[8..]));
        return bytes;
    }

    static void Write(BinaryWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.Write((byte)Tag.Null); break;
            case long l: writer.Write((byte)Tag.Int64); writer.Write(l); break;
            case int i: writer.Write((byte)Tag.Int32); writer.Write(i); break;
            case string s: writer.Write((byte)Tag.String); writer.Write(s); break;
            case decimal d: writer.Write((byte)Tag.Decimal); writer.Write(d); break;
            case DateTimeOffset t: writer.Write((byte)Tag.Time); writer.Write(t.UtcTicks); break;
            default: throw new InvalidOperationException($"The contact journal cannot write a {value.GetType().Name}.");
        }
    }

    /// <summary>The rows of every whole group, in order; a group cut short or damaged ends the file.</summary>
    internal static List<(string Table, object?[] Values)> Decode(ReadOnlySpan<byte> file)
    {
        var rows = new List<(string, object?[])>();
        while (file.Length >= 8)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(file);
            if (length < 0 || length > file.Length - 8) break;
            var group = file.Slice(8, length);
            if (Crc32.HashToUInt32(group) != BinaryPrimitives.ReadUInt32LittleEndian(file[4..])) break;
            using var reader = new BinaryReader(new MemoryStream(group.ToArray()), Encoding.UTF8);
            while (reader.BaseStream.Position < reader.BaseStream.Length)
            {
                var table = reader.ReadString();
                var values = new object?[reader.Read7BitEncodedInt()];
                for (var i = 0; i < values.Length; i++) values[i] = Read(reader);
                rows.Add((table, values));
            }
            file = file[(8 + length)..];
        }
        return rows;
    }

    static object? Read(BinaryReader reader) => (Tag)reader.ReadByte() switch
    {
        Tag.Null => null,
        Tag.Int64 => reader.ReadInt64(),
        Tag.Int32 => reader.ReadInt32(),
        Tag.String => reader.ReadString(),
        Tag.Decimal => reader.ReadDecimal(),
        Tag.Time => new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero),
        var tag => throw new InvalidDataException($"Unknown value tag {tag} in the contact journal."),
    };

    /// <summary>Stops the background moves and moves what is waiting.</summary>
    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync();
        await MoveAsync(CancellationToken.None);
        lock (_gate)
        {
            _disposed = true;
            _file?.Dispose();
            _file = null;
        }
    }
}
