using CommonGround.Import;

namespace CommonGround.Tests.Import;

public sealed class JsonLinesRowReaderTests : IDisposable
{
    readonly ImportFiles files = new();

    public void Dispose() => files.Dispose();

    async Task<(IReadOnlyList<string> Columns, List<ImportRow> Rows)> ReadAsync(string content)
    {
        await using var reader = RowReaders.Open(files.Write("e.jsonl", content), null);
        var columns = await reader.OpenAsync(TestContext.Current.CancellationToken);
        var rows = new List<ImportRow>();
        await foreach (var row in reader.ReadRowsAsync(TestContext.Current.CancellationToken)) rows.Add(row);
        return (columns, rows);
    }

    [Fact]
    public async Task Names_columns_from_the_keys_of_the_first_lines()
    {
        var (columns, _) = await ReadAsync("{\"a\":1}\n{\"a\":2,\"b\":\"x\"}\n");

        Assert.Equal(["a", "b"], columns);
    }

    [Fact]
    public async Task Keeps_numbers_as_numbers_and_nested_objects_as_json()
    {
        var (_, rows) = await ReadAsync("{\"n\":3,\"price\":12.50,\"ok\":true,\"ctx\":{\"ip\":\"1.2.3.4\"},\"tags\":[1,2]}\n");

        var row = Assert.Single(rows);
        Assert.Equal(3L, row.Get("n"));
        Assert.Equal(12.50m, row.Get("price"));
        Assert.Equal(true, row.Get("ok"));
        Assert.Equal(new JsonText("{\"ip\":\"1.2.3.4\"}"), row.Get("ctx"));
        Assert.Equal(new JsonText("[1,2]"), row.Get("tags"));
    }

    [Fact]
    public async Task Rejects_a_line_that_is_not_an_object_with_the_reason()
    {
        var (_, rows) = await ReadAsync("{\"a\":1}\n[1,2]\n\n\"text\"\n{\"a\":2}\n");

        Assert.Equal([1L, 2L, 4L, 5L], rows.Select(r => r.Number));
        Assert.Equal("is a JSON array, not an object; each line must be one JSON object", rows[1].Error);
        Assert.Equal("[1,2]", rows[1].Raw);
        Assert.StartsWith("is a JSON string", rows[2].Error);
        Assert.Null(rows[3].Error);
    }

    [Fact]
    public async Task Rejects_a_line_that_is_not_json()
    {
        var (_, rows) = await ReadAsync("{\"a\":1\n");

        Assert.StartsWith("is not valid JSON", Assert.Single(rows).Error);
    }
}
