using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace CommonGround.Import;

/// <summary>
/// Reads a Parquet file one row group at a time, so memory holds one row group, not the file. Integers
/// become <see cref="long"/>, floating point <see cref="double"/>, decimals <see cref="decimal"/>,
/// timestamps <see cref="DateTimeOffset"/> in UTC (a timestamp without time zone is taken as UTC),
/// dates "yyyy-MM-dd" text, binary base64 text. Flat columns only: a nested column (list, struct, map)
/// is refused when the file is opened, naming it.
/// </summary>
public sealed class ParquetRowReader(string path) : IRowReader
{
    FileStream? stream;
    ParquetReader? parquet;
    DataField[] fields = [];
    string[] columns = [];
    Dictionary<string, int> index = [];
    long totalRows;
    long rowsRead;

    public string RowNumbering => "row 1 is the first row of the file, counted across row groups";

    public long BytesRead => totalRows == 0 ? 0 : (long)((double)rowsRead / totalRows * TotalBytes);
    public long TotalBytes { get; private set; }

    public async Task<IReadOnlyList<string>> OpenAsync(CancellationToken ct)
    {
        stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        TotalBytes = stream.Length;
        try
        {
            parquet = await ParquetReader.CreateAsync(stream, cancellationToken: ct);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or NotSupportedException or InvalidOperationException)
        {
            throw new ImportInputException($"'{Path.GetFileName(path)}' is not a readable Parquet file: {ex.Message}", ex);
        }
        var nested = parquet.Schema.Fields.Where(f => f.SchemaType != SchemaType.Data).Select(f => f.Name).ToList();
        fields = [.. parquet.Schema.Fields.OfType<DataField>()];
        nested.AddRange(fields.Where(f => f.IsArray).Select(f => f.Name));
        if (nested.Count > 0)
            throw new ImportInputException(
                $"Parquet column{(nested.Count == 1 ? "" : "s")} {string.Join(", ", nested.Select(n => $"'{n}'"))} " +
                "nested (list, struct or map); import reads flat columns only. Flatten them in the export.");
        columns = [.. fields.Select(f => f.Name)];
        index = ImportRow.BuildIndex(columns);
        for (var g = 0; g < parquet.RowGroupCount; g++)
        {
            using var group = parquet.OpenRowGroupReader(g);
            totalRows += group.RowCount;
        }
        return columns;
    }

    public async IAsyncEnumerable<ImportRow> ReadRowsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        if (parquet is null) await OpenAsync(ct);
        for (var g = 0; g < parquet!.RowGroupCount; g++)
        {
            object?[][] data;
            int count;
            using (var group = parquet.OpenRowGroupReader(g))
            {
                count = checked((int)group.RowCount);
                data = new object?[fields.Length][];
                for (var c = 0; c < fields.Length; c++)
                    data[c] = await ReadColumnAsync(group, fields[c], count, ct);
            }
            for (var r = 0; r < count; r++)
            {
                var values = new object?[fields.Length];
                for (var c = 0; c < fields.Length; c++) values[c] = data[c][r];
                rowsRead++;
                yield return ImportRow.Read(rowsRead, columns, values, ImportJson.Object(columns, values), index);
            }
        }
    }

    static Task<object?[]> ReadColumnAsync(ParquetRowGroupReader group, DataField field, int count, CancellationToken ct)
    {
        var type = field.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>)) return ReadStringsAsync(group, field, count, ct);
        if (type == typeof(byte[]) || type == typeof(ReadOnlyMemory<byte>)) return ReadBytesAsync(group, field, count, ct);
        if (type == typeof(bool)) return ReadAsync<bool>(group, field, count, v => v, ct);
        if (type == typeof(sbyte)) return ReadAsync<sbyte>(group, field, count, v => (long)v, ct);
        if (type == typeof(byte)) return ReadAsync<byte>(group, field, count, v => (long)v, ct);
        if (type == typeof(short)) return ReadAsync<short>(group, field, count, v => (long)v, ct);
        if (type == typeof(ushort)) return ReadAsync<ushort>(group, field, count, v => (long)v, ct);
        if (type == typeof(int)) return ReadAsync<int>(group, field, count, v => (long)v, ct);
        if (type == typeof(uint)) return ReadAsync<uint>(group, field, count, v => (long)v, ct);
        if (type == typeof(long)) return ReadAsync<long>(group, field, count, v => v, ct);
        if (type == typeof(ulong)) return ReadAsync<ulong>(group, field, count, v => v <= long.MaxValue ? (long)v : (decimal)v, ct);
        if (type == typeof(float)) return ReadAsync<float>(group, field, count, v => (double)v, ct);
        if (type == typeof(double)) return ReadAsync<double>(group, field, count, v => v, ct);
        if (type == typeof(decimal)) return ReadAsync<decimal>(group, field, count, v => v, ct);
        if (type == typeof(DateTime)) return ReadAsync<DateTime>(group, field, count, v => ToUtc(v), ct);
        if (type == typeof(DateTimeOffset)) return ReadAsync<DateTimeOffset>(group, field, count, v => v.ToUniversalTime(), ct);
        if (type == typeof(DateOnly)) return ReadAsync<DateOnly>(group, field, count, v => v.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ct);
        if (type == typeof(TimeOnly)) return ReadAsync<TimeOnly>(group, field, count, v => v.ToString("HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture), ct);
        if (type == typeof(TimeSpan)) return ReadAsync<TimeSpan>(group, field, count, v => v.ToString("c", System.Globalization.CultureInfo.InvariantCulture), ct);
        if (type == typeof(Guid)) return ReadAsync<Guid>(group, field, count, v => v.ToString(), ct);
        throw new ImportInputException($"Parquet column '{field.Name}' has type {type.Name}, which import cannot read.");
    }

    static DateTimeOffset ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero),
        _ => new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero),
    };

    static async Task<object?[]> ReadAsync<T>(ParquetRowGroupReader group, DataField field, int count,
        Func<T, object?> convert, CancellationToken ct) where T : struct
    {
        var buffer = new T?[count];
        await group.ReadAsync<T>(field, new Memory<T?>(buffer), null, ct);
        var values = new object?[count];
        for (var i = 0; i < count; i++) values[i] = buffer[i] is { } v ? convert(v) : null;
        return values;
    }

    static async Task<object?[]> ReadStringsAsync(ParquetRowGroupReader group, DataField field, int count, CancellationToken ct)
    {
        var buffer = new string?[count];
        await group.ReadAsync(field, new Memory<string?>(buffer), null, ct);
        return [.. buffer.Cast<object?>()];
    }

    static async Task<object?[]> ReadBytesAsync(ParquetRowGroupReader group, DataField field, int count, CancellationToken ct)
    {
        var buffer = new byte[]?[count];
        await group.ReadAsync(field, new Memory<byte[]?>(buffer), null, ct);
        return [.. buffer.Select(b => b is null ? null : (object)Convert.ToBase64String(b))];
    }

    public async ValueTask DisposeAsync()
    {
        if (parquet is not null) await parquet.DisposeAsync();
        if (stream is not null) await stream.DisposeAsync();
    }
}
