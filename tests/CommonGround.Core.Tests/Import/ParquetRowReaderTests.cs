using CommonGround.Import;
using Parquet;
using Parquet.Schema;

namespace CommonGround.Tests.Import;

public sealed class ParquetRowReaderTests : IDisposable
{
    readonly ImportFiles files = new();

    public void Dispose() => files.Dispose();

    [Fact]
    public async Task Reads_every_row_group_with_typed_values()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = files.PathOf("orders.parquet");
        var id = new DataField<string>("order_id");
        var qty = new DataField<int>("qty");
        var total = new DataField<double?>("total");
        var at = new DataField<DateTime>("ordered_at");
        var paid = new DataField<bool>("paid");
        var schema = new ParquetSchema(id, qty, total, at, paid);
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(schema, stream, cancellationToken: ct))
        {
            for (var g = 0; g < 2; g++)
            {
                using var group = writer.CreateRowGroup();
                await group.WriteAsync(id, (string[])[$"o{g}a", $"o{g}b"]);
                await group.WriteAsync<int>(qty, new[] { 1, 2 }, null, null, ct);
                await group.WriteAsync<double>(total, new double?[] { 12.5, null }, null, null, ct);
                await group.WriteAsync<DateTime>(at, new[] { new DateTime(2024, 5, 1, 10, 0, 0, DateTimeKind.Utc), new DateTime(2024, 5, 2) }, null, null, ct);
                await group.WriteAsync<bool>(paid, new[] { true, false }, null, null, ct);
            }
        }

        await using var reader = RowReaders.Open(path, null);
        var columns = await reader.OpenAsync(ct);
        var rows = new List<ImportRow>();
        await foreach (var row in reader.ReadRowsAsync(ct)) rows.Add(row);

        Assert.Equal(["order_id", "qty", "total", "ordered_at", "paid"], columns);
        Assert.Equal([1L, 2L, 3L, 4L], rows.Select(r => r.Number));
        Assert.Equal("o1b", rows[3].Get("order_id"));
        Assert.Equal(2L, rows[1].Get("qty"));
        Assert.Equal(12.5, rows[0].Get("total"));
        Assert.Null(rows[1].Get("total"));
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero), rows[0].Get("ordered_at"));
        Assert.Equal(new DateTimeOffset(2024, 5, 2, 0, 0, 0, TimeSpan.Zero), rows[1].Get("ordered_at"));
        Assert.Equal(true, rows[0].Get("paid"));
        Assert.Equal("{\"order_id\":\"o0a\",\"qty\":1,\"total\":12.5,\"ordered_at\":\"2024-05-01T10:00:00Z\",\"paid\":true}", rows[0].Raw);
        Assert.Equal(reader.TotalBytes, reader.BytesRead);
    }

    [Fact]
    public async Task A_file_that_is_not_parquet_is_refused_before_any_row()
    {
        var path = files.Write("bad.parquet", "id,name\n1,Ann\n");
        await using var reader = RowReaders.Open(path, null);

        var ex = await Assert.ThrowsAsync<ImportInputException>(() => reader.OpenAsync(TestContext.Current.CancellationToken));
        Assert.Contains("not a readable Parquet file", ex.Message);
    }
}
