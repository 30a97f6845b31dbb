using CommonGround.Import;

namespace CommonGround.Tests.Import;

public sealed class CsvRowReaderTests : IDisposable
{
    readonly ImportFiles files = new();

    public void Dispose() => files.Dispose();

    async Task<(IReadOnlyList<string> Columns, List<ImportRow> Rows)> ReadAsync(string name, string content)
    {
        await using var reader = RowReaders.Open(files.Write(name, content), null);
        var columns = await reader.OpenAsync(TestContext.Current.CancellationToken);
        var rows = new List<ImportRow>();
        await foreach (var row in reader.ReadRowsAsync(TestContext.Current.CancellationToken)) rows.Add(row);
        return (columns, rows);
    }

    [Fact]
    public async Task Detects_the_semicolon_separator_and_trims_fields()
    {
        var (columns, rows) = await ReadAsync("a.csv", "id ; name\n 1 ;  Ann  \n2;Bo\n");

        Assert.Equal(["id", "name"], columns);
        Assert.Equal(2, rows.Count);
        Assert.Equal("Ann", rows[0].Get("name"));
        Assert.Equal("2", rows[1].Get("id"));
    }

    [Fact]
    public async Task Reads_comma_and_space_separated_files_as_febrl_writes_them()
    {
        var (columns, rows) = await ReadAsync("f.csv", "rec_id, given_name, surname\nrec-1-org, michaela, neumann\n");

        Assert.Equal(["rec_id", "given_name", "surname"], columns);
        Assert.Equal("michaela", Assert.Single(rows).Get("given_name"));
    }

    [Fact]
    public async Task Ignores_a_byte_order_mark()
    {
        var (columns, _) = await ReadAsync("bom.csv", "\uFEFFcustomer_id,email\n1,a@b.io\n");

        Assert.Equal("customer_id", columns[0]);
    }

    [Fact]
    public async Task Reads_tsv_files_with_tabs()
    {
        var (columns, rows) = await ReadAsync("t.tsv", "id\tnote\n1\ta, b; c\n");

        Assert.Equal(["id", "note"], columns);
        Assert.Equal("a, b; c", Assert.Single(rows).Get("note"));
    }

    [Fact]
    public async Task Keeps_a_quoted_line_break_in_a_value()
    {
        var (_, rows) = await ReadAsync("q.csv", "id,address\n1,\"1 Main St\nFlat 2\"\n2,x\n");

        Assert.Equal(2, rows.Count);
        Assert.Equal("1 Main St\nFlat 2", rows[0].Get("address"));
    }

    [Fact]
    public async Task Rejects_a_row_with_a_stray_quote_and_reads_the_rest()
    {
        var (_, rows) = await ReadAsync("b.csv", "id,name\n1,Ann\n2,Bo\"b\n3,Cy\n");

        Assert.Equal([1L, 2L, 3L], rows.Select(r => r.Number));
        Assert.Null(rows[0].Error);
        Assert.StartsWith("broken quote", rows[1].Error);
        Assert.Equal("2,Bo\"b", rows[1].Raw);
        Assert.Equal("Cy", rows[2].Get("name"));
    }

    [Fact]
    public async Task A_quote_that_is_never_closed_loses_only_its_own_line()
    {
        var (_, rows) = await ReadAsync("u.csv", "id,name\n1,Ann\n2,\"Bob\n3,Cy\n4,Di\n");

        Assert.Equal([1L, 2L, 3L, 4L], rows.Select(r => r.Number));
        Assert.Contains("never closed", rows[1].Error);
        Assert.Equal("2,\"Bob", rows[1].Raw);
        Assert.Equal("Cy", rows[2].Get("name"));
        Assert.Equal("Di", rows[3].Get("name"));
    }

    [Fact]
    public async Task Rejects_rows_with_the_wrong_number_of_fields_in_order()
    {
        var (_, rows) = await ReadAsync("n.csv", "id,name,city\n1,Ann,Oslo\n2,Bo\n3,Cy,Rome,extra\n4,Di,Bern\n");

        Assert.Equal([1L, 2L, 3L, 4L], rows.Select(r => r.Number));
        Assert.Equal("has 2 fields but the header has 3; check for a separator inside an unquoted value or a missing value",
            rows[1].Error);
        Assert.StartsWith("has 4 fields", rows[2].Error);
        Assert.Equal("3,Cy,Rome,extra", rows[2].Raw);
        Assert.Null(rows[3].Error);
    }
}
