using Spectre.Console;
using System.Text.Json;
using CommonGround.Cli;
using CommonGround.Sources;
using CommonGround.Storage;
using CommonGround.Testing;

namespace CommonGround.Cli.Tests;

public sealed class ImportCommandTests() : FileTests("cg-cli-import-")
{
    /// <summary>A store with a source named "loyalty", closed so that the command can open it.</summary>
    static async Task<TestStore> StoreWithSourceAsync(string provider)
    {
        var testStore = await TestStores.CreateAsync(provider, TestContext.Current.CancellationToken);
        await testStore.Store.Sources.AddAsync(new Source
        {
            Id = "src_loyalty", Name = "loyalty", Team = "crm", WriteKey = "wk_loyalty_test", CreatedAt = DateTimeOffset.UnixEpoch,
        }, TestContext.Current.CancellationToken);
        await testStore.CloseAsync();
        return testStore;
    }

    static Task<(int Exit, string Out, string Err)> RunAsync(TestStore testStore, params string[] args) =>
        CliRunner.RunAsync(testStore.Options, args);

    [Theory]
    [InlineData(StoreOptions.DuckDb)]
    [InlineData(StoreOptions.Postgres)]
    public async Task Rejected_rows_go_to_the_rejects_file_and_exit_with_4(string provider)
    {
        await using var testStore = await StoreWithSourceAsync(provider);
        var file = Write("orders.csv", "OrderNo,customer_id,ordered_at,total\no1,c1,2024-05-01,12.50\no2,c1,2024-05-01,abc\n");
        var rejects = Path.Combine(Folder, "out", "rejects.csv");

        var (exit, output, _) = await RunAsync(testStore, "import", "orders", file, "--source", "loyalty", "--map", "order_id=OrderNo", "--rejects", rejects);

        Assert.Equal(ExitCodes.CompletedWithRejects, exit);
        Assert.Contains("1 row(s) rejected", output);
        Assert.Contains(rejects, output);
        var lines = File.ReadAllLines(rejects);
        Assert.StartsWith("# CommonGround import rejects: row 1 is the first line after the header", lines[0]);
        Assert.Equal("row,reason,raw", lines[1]);
        Assert.Equal("2,\"row 2: total 'abc' is not a number (use a dot for decimals, as in 12.50)\",\"o2,c1,2024-05-01,abc\"", lines[2]);
        await testStore.ReopenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, await testStore.Store.Records.CountOrdersAsync("src_loyalty", TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(StoreOptions.DuckDb)]
    [InlineData(StoreOptions.Postgres)]
    public async Task Importing_the_same_file_again_changes_nothing(string provider)
    {
        await using var testStore = await StoreWithSourceAsync(provider);
        var file = Write("customers.csv", "Customer Id,email,tier\nc1,a@example.com,gold\nc2,b@example.com,silver\nc3,c@example.com,\n");
        await RunAsync(testStore, "import", "customers", file, "--source", "loyalty");

        var (exit, output, _) = await RunAsync(testStore, "import", "customers", file, "--source", "loyalty", "--json");

        Assert.Equal(ExitCodes.Ok, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(3, json.RootElement.GetProperty("rowsRead").GetInt64());
        Assert.Equal(0, json.RootElement.GetProperty("inserted").GetInt64());
        Assert.Equal(0, json.RootElement.GetProperty("updated").GetInt64());
        Assert.Equal(3, json.RootElement.GetProperty("unchanged").GetInt64());
        await testStore.ReopenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(3, await testStore.Store.Records.CountCustomersAsync("src_loyalty", TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(StoreOptions.DuckDb)]
    [InlineData(StoreOptions.Postgres)]
    public async Task Json_output_is_one_object_with_the_summary(string provider)
    {
        await using var testStore = await StoreWithSourceAsync(provider);
        var file = Write("events.jsonl",
            "{\"event\":\"Signed Up\",\"user_id\":\"u1\",\"timestamp\":\"2024-05-01T10:00:00Z\",\"plan\":\"pro\"}\n" +
            "{\"event\":\"Signed Up\",\"user_id\":\"u2\",\"timestamp\":\"2024-05-01T11:00:00Z\"}\n");

        var (exit, output, error) = await RunAsync(testStore, "import", "events", file, "--source", "loyalty", "--json");

        Assert.True(exit == ExitCodes.Ok, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("events", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal("loyalty", json.RootElement.GetProperty("source").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("inserted").GetInt64());
        Assert.Equal(0, json.RootElement.GetProperty("rejected").GetInt64());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("rejectsPath").ValueKind);
    }

    [Theory]
    [InlineData(StoreOptions.DuckDb)]
    [InlineData(StoreOptions.Postgres)]
    public async Task An_unknown_source_exits_with_2_and_lists_the_sources(string provider)
    {
        await using var testStore = await StoreWithSourceAsync(provider);
        var file = Write("customers.csv", "customer_id\nc1\n");

        var (exit, _, error) = await RunAsync(testStore, "import", "customers", file, "--source", "web");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("There is no source named 'web'. Sources: loyalty.", error);
    }

    [Theory]
    [InlineData(StoreOptions.DuckDb)]
    [InlineData(StoreOptions.Postgres)]
    public async Task A_missing_file_exits_with_2(string provider)
    {
        await using var testStore = await StoreWithSourceAsync(provider);

        var (exit, _, error) = await RunAsync(testStore, "import", "customers", Path.Combine(Folder, "nope.csv"), "--source", "loyalty");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("nope.csv' does not exist", error);
    }

    [Theory]
    [InlineData(StoreOptions.DuckDb)]
    [InlineData(StoreOptions.Postgres)]
    public async Task A_mapping_to_a_missing_column_exits_with_2_naming_the_columns(string provider)
    {
        await using var testStore = await StoreWithSourceAsync(provider);
        var file = Write("customers.csv", "customer_id,mail\nc1,a@example.com\n");

        var (exit, _, error) = await RunAsync(testStore, "import", "customers", file, "--source", "loyalty", "--map", "email=E-mail");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("Columns in the file: customer_id, mail", error);
    }

    [Fact]
    public async Task Help_teaches_with_an_example()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No, Ansi = AnsiSupport.No });

        await CliApp.RunAsync(["import", "--help"], console, new StringWriter(), TestContext.Current.CancellationToken);

        Assert.Contains("commonground import customers members.csv --source loyalty", output.ToString());
        Assert.Contains("--map", output.ToString());
    }

    [Fact]
    public async Task Imports_the_febrl1_person_records()
    {
        var data = SharedDataFile("febrl/febrl1.csv");
        await using var testStore = await StoreWithSourceAsync(StoreOptions.DuckDb);

        var (exit, output, error) = await RunAsync(testStore, "import", "customers", data, "--source", "loyalty",
            "--map", "customer_id=rec_id", "--map", "first_name=given_name", "--map", "last_name=surname",
            "--rejects", Path.Combine(Folder, "febrl1.rejects.csv"), "--json");

        Assert.True(exit == ExitCodes.Ok, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(1000, json.RootElement.GetProperty("inserted").GetInt64());
        await testStore.ReopenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1000, await testStore.Store.Records.CountCustomersAsync("src_loyalty", TestContext.Current.CancellationToken));
    }

    /// <summary>A file of the public data sets in ../shared/data beside the repository; skips when absent.</summary>
    static string SharedDataFile(string relativePath)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CommonGround.slnx"))) dir = dir.Parent;
        if (dir?.Parent is null) Assert.Skip("Cannot find the repository root (the Folder with CommonGround.slnx).");
        var path = Path.Combine(dir.Parent!.FullName, "shared", "data", relativePath);
        if (!File.Exists(path)) Assert.Skip($"The public data file {relativePath} is not in ../shared/data beside the repository.");
        return path;
    }
}
