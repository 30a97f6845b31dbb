using CommonGround.Catalog;
using CommonGround.Import;
using CommonGround.Sources;
using CommonGround.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CommonGround.Tests.Import;

public sealed class FileImporterTests : IAsyncLifetime
{
    readonly ImportFiles files = new();
    readonly FakeTimeProvider time = new(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
    TestStore testStore = null!;
    Source source = null!;

    public async ValueTask InitializeAsync()
    {
        testStore = await TestStores.CreateDuckDbAsync(TestContext.Current.CancellationToken);
        source = new Source
        {
            Id = "src_loyalty", Name = "loyalty", Team = "crm", WriteKey = "wk_test_loyalty", CreatedAt = time.GetUtcNow(),
        };
        await testStore.Store.Sources.AddAsync(source, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await testStore.DisposeAsync();
        files.Dispose();
    }

    Task<ImportSummary> ImportAsync(ImportKind kind, string path, ColumnMapping? mapping = null, IProgress<ImportProgress>? progress = null) =>
        new FileImporter(testStore.Store, time).ImportAsync(
            new ImportRequest { Kind = kind, Path = path, Source = source, Mapping = mapping ?? ColumnMapping.Default, BatchSize = 2 },
            progress, TestContext.Current.CancellationToken);

    static List<string[]> ReadRejects(string path)
    {
        var lines = File.ReadAllLines(path);
        Assert.StartsWith(RejectsFile.Marker, lines[0]);
        Assert.Equal("row,reason,raw", lines[1]);
        var rows = new List<string[]>();
        using var reader = CsvHelper.CsvReader.FromText(string.Join('\n', lines.Skip(1)), CsvHelper.CsvReaderOptions.Default with { Separator = ',' });
        while (reader.Read()) rows.Add(reader.Current.ToArray());
        return rows;
    }

    [Fact]
    public async Task Imports_customers_and_keeps_other_columns_as_traits()
    {
        var path = files.Write("customers.csv",
            "CustID,E-mail,first_name,Phone,created_at,tier\nc1, Ann@Example.com ,Ann,+44 20 7946 0000,2024-01-02,gold\nc2,,Bo,,,\n");

        var summary = await ImportAsync(ImportKind.Customers, path, ColumnMapping.Parse(["customer_id=CustID", "email=E-mail"]));

        Assert.Equal((2L, 2L, 0L, 0L, 0L), (summary.RowsRead, summary.Inserted, summary.Updated, summary.Unchanged, summary.Rejected));
        Assert.Null(summary.RejectsPath);
        var ann = await testStore.Store.Records.FindCustomerAsync(source.Id, "c1", TestContext.Current.CancellationToken);
        Assert.NotNull(ann);
        Assert.Equal("ann@example.com", ann.Email);
        Assert.Equal("+44 20 7946 0000", ann.Phone);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero), ann.CreatedAt);
        Assert.Equal("{\"tier\":\"gold\"}", ann.Traits);
        Assert.False(File.Exists(RejectsFile.DefaultPathFor(path)));
    }

    [Fact]
    public async Task Every_rejected_row_has_its_number_an_actionable_reason_and_the_raw_row()
    {
        var path = files.Write("orders.csv",
            "order_id,customer_id,ordered_at,total,currency\n" +
            "o1,c1,2024-05-01,12.50,EUR\n" +
            "o2,c1,2024-05-01,abc,EUR\n" +
            "o3,c1,someday,3,EUR\n" +
            ",c1,2024-05-01,3,EUR\n" +
            "o5,c1,2024-05-01\n" +
            "o6,c\"1,2024-05-01,3,EUR\n" +
            "o7,c2,20240502,4,EUR\n");

        var summary = await ImportAsync(ImportKind.Orders, path);

        Assert.Equal((7L, 2L, 5L), (summary.RowsRead, summary.Inserted, summary.Rejected));
        Assert.Equal(Path.GetFullPath(path + ".rejects.csv"), summary.RejectsPath);
        var rejects = ReadRejects(summary.RejectsPath!);
        Assert.Equal(["2", "3", "4", "5", "6"], rejects.Select(r => r[0]));
        Assert.Equal("row 2: total 'abc' is not a number (use a dot for decimals, as in 12.50)", rejects[0][1]);
        Assert.Equal("o2,c1,2024-05-01,abc,EUR", rejects[0][2]);
        Assert.StartsWith("row 3: ordered_at 'someday' is not a date", rejects[1][1]);
        Assert.Equal("row 4: order_id is missing", rejects[2][1]);
        Assert.StartsWith("row 5: has 3 fields but the header has 5", rejects[3][1]);
        Assert.StartsWith("row 6: broken quote", rejects[4][1]);
        Assert.Equal(2, await testStore.Store.Records.CountOrdersAsync(source.Id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Rejects_a_bad_e_mail_address()
    {
        var path = files.Write("c.csv", "customer_id,email\nc1,not-an-address\n");

        var summary = await ImportAsync(ImportKind.Customers, path);

        Assert.Equal(1, summary.Rejected);
        Assert.Equal("row 1: email 'not-an-address' is not an e-mail address", ReadRejects(summary.RejectsPath!)[0][1]);
    }

    [Fact]
    public async Task Importing_the_same_file_again_changes_nothing()
    {
        var path = files.Write("c.csv", "customer_id,email,city\nc1,a@example.com,Oslo\nc2,b@example.com,Rome\nc3,c@example.com,Bern\n");
        await ImportAsync(ImportKind.Customers, path);

        var again = await ImportAsync(ImportKind.Customers, path);

        Assert.Equal((3L, 0L, 0L, 3L), (again.RowsRead, again.Inserted, again.Updated, again.Unchanged));
        Assert.Equal(3, await testStore.Store.Records.CountCustomersAsync(source.Id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_changed_row_is_updated()
    {
        var path = files.Write("c.csv", "customer_id,city\nc1,Oslo\n");
        await ImportAsync(ImportKind.Customers, path);
        File.WriteAllText(path, "customer_id,city\nc1,Bergen\n");

        var again = await ImportAsync(ImportKind.Customers, path);

        Assert.Equal((0L, 1L, 0L), (again.Inserted, again.Updated, again.Unchanged));
        var customer = await testStore.Store.Records.FindCustomerAsync(source.Id, "c1", TestContext.Current.CancellationToken);
        Assert.Equal("{\"city\":\"Bergen\"}", customer?.Traits);
    }

    [Fact]
    public async Task The_same_customer_twice_in_a_file_keeps_the_later_row()
    {
        var path = files.Write("c.csv", "customer_id,city\nc1,Oslo\nc1,Rome\n");

        await ImportAsync(ImportKind.Customers, path);

        var customer = await testStore.Store.Records.FindCustomerAsync(source.Id, "c1", TestContext.Current.CancellationToken);
        Assert.Equal("{\"city\":\"Rome\"}", customer?.Traits);
    }

    [Fact]
    public async Task Imports_events_from_json_lines_and_stores_them_once()
    {
        var path = files.Write("events.jsonl",
            "{\"event\":\"Order Completed\",\"user_id\":\"u1\",\"timestamp\":\"2024-05-01T10:00:00Z\",\"revenue\":12.5,\"items\":[{\"sku\":\"a\"}]}\n" +
            "{\"type\":\"page\",\"event\":\"Home\",\"anonymous_id\":\"a1\",\"timestamp\":1714557600}\n" +
            "[\"not\",\"an\",\"object\"]\n" +
            "{\"event\":\"Order Completed\",\"timestamp\":\"2024-05-01T10:00:00Z\"}\n" +
            "{\"user_id\":\"u2\",\"timestamp\":\"2024-05-01T10:00:00Z\"}\n");

        var first = await ImportAsync(ImportKind.Events, path);
        var second = await ImportAsync(ImportKind.Events, path);

        Assert.Equal((5L, 2L, 0L, 3L), (first.RowsRead, first.Inserted, first.Duplicates, first.Rejected));
        Assert.Equal((0L, 2L), (second.Inserted, second.Duplicates));
        Assert.Equal(2, await testStore.Store.Events.CountAsync(source.Id, TestContext.Current.CancellationToken));
        var reasons = ReadRejects(second.RejectsPath!).Select(r => r[1]).ToList();
        Assert.Equal("row 3: is a JSON array, not an object; each line must be one JSON object", reasons[0]);
        Assert.Equal("row 4: user_id and anonymous_id are both missing (one of them is needed)", reasons[1]);
        Assert.Equal("row 5: event is missing (a track event needs the event's name)", reasons[2]);
    }

    [Fact]
    public async Task Adds_what_arrived_to_the_catalog_with_personal_fields_marked()
    {
        var path = files.Write("c.csv", "customer_id,email,tier,date_of_birth\nc1,a@example.com,gold,19800101\n");

        await ImportAsync(ImportKind.Customers, path);

        var fields = await testStore.Store.Catalog.ListAsync(DataType.Profile, TestContext.Current.CancellationToken);
        var byName = fields.Where(f => f.Key.Dataset == "customers").ToDictionary(f => f.Key.Field);
        Assert.True(byName["email"].Personal);
        Assert.True(byName["customer_id"].Personal);
        Assert.True(byName["traits.date_of_birth"].Personal);
        Assert.False(byName["traits.tier"].Personal);
        Assert.Equal("crm", byName["traits.tier"].OwnerTeam);
    }

    [Fact]
    public async Task Reports_progress_up_to_the_whole_file()
    {
        var path = files.Write("c.csv", "customer_id\nc1\nc2\nc3\n");
        var reports = new List<ImportProgress>();

        await ImportAsync(ImportKind.Customers, path, progress: new Progress<ImportProgress>(reports.Add));
        await Task.Delay(50, TestContext.Current.CancellationToken); // Progress<T> posts to the thread pool.

        Assert.Contains(reports, r => r.RowsRead == 3 && r.Fraction == 1);
    }

    [Fact]
    public async Task A_missing_mapped_column_fails_before_any_row_is_stored()
    {
        var path = files.Write("c.csv", "customer_id,email\nc1,a@example.com\n");

        var ex = await Assert.ThrowsAsync<ImportInputException>(() => ImportAsync(ImportKind.Customers, path, ColumnMapping.Parse(["email=Mail"])));

        Assert.Contains("Columns in the file: customer_id, email", ex.Message);
        Assert.Equal(0, await testStore.Store.Records.CountCustomersAsync(null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Imports_the_febrl1_person_records()
    {
        var path = ImportFiles.SharedData("febrl/febrl1.csv");
        var rejects = files.PathOf("febrl1.rejects.csv");

        var summary = await new FileImporter(testStore.Store, time).ImportAsync(new ImportRequest
        {
            Kind = ImportKind.Customers,
            Path = path,
            Source = source,
            RejectsPath = rejects,
            Mapping = ColumnMapping.Parse(["customer_id=rec_id", "first_name=given_name", "last_name=surname"]),
        }, null, TestContext.Current.CancellationToken);

        Assert.Equal((1000L, 1000L, 0L), (summary.RowsRead, summary.Inserted, summary.Rejected));
        Assert.Equal(1000, await testStore.Store.Records.CountCustomersAsync(source.Id, TestContext.Current.CancellationToken));
        var original = await testStore.Store.Records.FindCustomerAsync(source.Id, "rec-223-org", TestContext.Current.CancellationToken);
        Assert.NotNull(original);
        Assert.NotNull(original.Traits);
        Assert.Contains("\"postcode\":", original.Traits);
    }
}
