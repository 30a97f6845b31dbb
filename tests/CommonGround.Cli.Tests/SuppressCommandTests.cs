using System.Text.Json;
using CommonGround.Identity;
using CommonGround.Storage;
using CommonGround.Testing;

namespace CommonGround.Cli.Tests;

/// <summary>`commonground suppress import|list|remove` against a real store on both providers.</summary>
public sealed class SuppressCommandTests() : FileTests("cg-cli-suppress-")
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new store, closed so that the command can open it.</summary>
    static async Task<TestStore> StoreAsync(string provider)
    {
        var test = await TestStores.CreateAsync(provider, Ct);
        await test.CloseAsync();
        return test;
    }

    static Task<(int Exit, string Out, string Err)> RunAsync(TestStore test, params string[] args) => CliRunner.RunAsync(test.Options, args);

    [Theory]
    [InlineData(StoreOptions.DuckDb)]
    [InlineData(StoreOptions.Postgres)]
    public async Task A_csv_export_goes_on_the_list_normalised_bad_rows_are_rejected_with_their_row_and_importing_again_adds_nothing(string provider)
    {
        await using var test = await StoreAsync(provider);
        var file = Write("export.csv", "Name,Email,Reason\nAnn,Ann@Example.com,asked by phone\nBob,not-an-address,complaint\nCat,cat@example.com,\nAnn again,ann@example.com,twice\n");
        var rejects = Path.Combine(Folder, "out", "rejects.csv");

        var (exit, output, _) = await RunAsync(test, "suppress", "import", "--list", "do-not-contact", file, "--column", "Email", "--type", "email",
            "--reason-column", "Reason", "--reason", "imported from the CRM", "--rejects", rejects);

        Assert.Equal(ExitCodes.CompletedWithRejects, exit);
        Assert.Contains("already on the list", output);
        Assert.Contains("1 row(s) rejected", output);
        Assert.Contains("For its members the policy blocks every channel", output);
        var lines = File.ReadAllLines(rejects);
        Assert.Equal("row,reason,raw", lines[1]);
        Assert.Equal("2,row 2: the identifier is not a valid email,\"Bob,not-an-address,complaint\"", lines[2]);

        var (again, json, _) = await RunAsync(test, "suppress", "import", "--list", "do-not-contact", file, "--column", "Email", "--type", "email",
            "--reason-column", "Reason", "--rejects", rejects, "--json");

        Assert.Equal(ExitCodes.CompletedWithRejects, again);
        using var summary = JsonDocument.Parse(json);
        Assert.Equal((4L, 0L, 3L, 1L, 2L), (summary.RootElement.GetProperty("rowsRead").GetInt64(), summary.RootElement.GetProperty("added").GetInt64(),
            summary.RootElement.GetProperty("alreadyOn").GetInt64(), summary.RootElement.GetProperty("rejected").GetInt64(), summary.RootElement.GetProperty("members").GetInt64()));
        await test.ReopenAsync(Ct);
        var ann = await test.Store.SuppressionLists.FindMemberAsync("do-not-contact", new Identifier("email", "ann@example.com"), Ct);
        var cat = await test.Store.SuppressionLists.FindMemberAsync("do-not-contact", new Identifier("email", "cat@example.com"), Ct);
        Assert.Equal("asked by phone", ann!.Reason);
        Assert.Equal("imported from the CRM", cat!.Reason);
        Assert.StartsWith("cli:", ann.AddedBy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_of_bare_addresses_is_read_one_per_line_when_its_first_line_is_an_address()
    {
        await using var test = await StoreAsync(StoreOptions.DuckDb);
        var file = Write("optouts.csv", "ann@example.com\n\nBOB@example.com\nbob@example.com\n");

        var (exit, output, _) = await RunAsync(test, "suppress", "import", "--list", "do-not-contact", file, "--type", "email", "--json");

        Assert.Equal(ExitCodes.Ok, exit);
        using var summary = JsonDocument.Parse(output);
        Assert.False(summary.RootElement.GetProperty("header").GetBoolean());
        Assert.Equal((3L, 2L, 1L), (summary.RootElement.GetProperty("rowsRead").GetInt64(), summary.RootElement.GetProperty("added").GetInt64(),
            summary.RootElement.GetProperty("alreadyOn").GetInt64()));
    }

    [Fact]
    public async Task A_text_file_of_typed_identifiers_is_read_one_per_line_and_each_bad_line_is_named()
    {
        await using var test = await StoreAsync(StoreOptions.DuckDb);
        var file = Write("bounces.txt", "email:ann@example.com\nphone:+44 7911 123456\nfax:123\nann@example.com\n");

        var (exit, _, _) = await RunAsync(test, "suppress", "import", "--list", "hard-bounces", file);

        Assert.Equal(ExitCodes.CompletedWithRejects, exit);
        var lines = File.ReadAllLines(file + ".rejects.csv");
        Assert.StartsWith("# CommonGround import rejects: row 1 is the first line of the file", lines[0]);
        Assert.StartsWith("3,\"row 3: the identifier has the type 'fax', which is not an identifier type; use one of userId,", lines[2]);
        Assert.StartsWith("4,\"row 4: the identifier is not TYPE:VALUE; write e.g. email:ann@example.com", lines[3]);
    }

    [Fact]
    public async Task A_column_the_file_does_not_have_stops_before_anything_is_imported()
    {
        await using var test = await StoreAsync(StoreOptions.DuckDb);
        var file = Write("export.csv", "Name,Mail\nAnn,ann@example.com\n");

        var (exit, _, error) = await RunAsync(test, "suppress", "import", "--list", "do-not-contact", file, "--column", "Email");
        var (unclear, _, why) = await RunAsync(test, "suppress", "import", "--list", "do-not-contact", file);
        var (badType, _, typeError) = await RunAsync(test, "suppress", "import", "--list", "do-not-contact", file, "--column", "Mail", "--type", "fax");

        Assert.Equal((ExitCodes.BadInput, ExitCodes.BadInput, ExitCodes.BadInput), (exit, unclear, badType));
        Assert.Contains("--column 'Email': the file has no such column (columns: Name, Mail", error);
        Assert.Contains("Name it with --column", why);
        Assert.Contains("'fax' is not an identifier type", typeError);
        await test.ReopenAsync(Ct);
        Assert.Empty(await test.Store.SuppressionLists.CountsAsync(Ct));
    }

    [Theory]
    [InlineData(StoreOptions.DuckDb)]
    [InlineData(StoreOptions.Postgres)]
    public async Task List_shows_counts_and_what_each_list_blocks_and_members_of_one_list(string provider)
    {
        await using var test = await StoreAsync(provider);
        await RunAsync(test, "suppress", "import", "--list", "do-not-contact", Write("a.txt", "email:ann@example.com\nemail:bob@example.com\n"));
        await RunAsync(test, "suppress", "import", "--list", "old-crm", Write("b.txt", "email:cat@example.com\n"));

        var (exit, output, _) = await RunAsync(test, "suppress", "list");
        var (_, json, _) = await RunAsync(test, "suppress", "list", "do-not-contact", "--limit", "1", "--json");
        var (_, next, _) = await RunAsync(test, "suppress", "list", "do-not-contact", "--after", "email:ann@example.com", "--json");
        var (unknown, _, error) = await RunAsync(test, "suppress", "list", "nope");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Matches(@"do-not-contact\s*│\s*2\s*│ every channel", output);
        Assert.Matches(@"old-crm\s*│\s*1\s*│ not in the policy: blocks nothing", output);
        using var page = JsonDocument.Parse(json);
        Assert.Equal(["email:ann@example.com"], page.RootElement.EnumerateArray().Select(m => m.GetProperty("identifier").GetString()));
        using var second = JsonDocument.Parse(next);
        Assert.Equal(["email:bob@example.com"], second.RootElement.EnumerateArray().Select(m => m.GetProperty("identifier").GetString()));
        Assert.Equal(ExitCodes.BadInput, unknown);
        Assert.Contains("no suppression list 'nope'", error);
    }

    [Fact]
    public async Task Remove_takes_people_off_and_names_those_that_were_not_on_the_list()
    {
        await using var test = await StoreAsync(StoreOptions.DuckDb);
        await RunAsync(test, "suppress", "import", "--list", "do-not-contact", Write("a.txt", "email:ann@example.com\nemail:bob@example.com\n"));

        var (exit, _, _) = await RunAsync(test, "suppress", "remove", "--list", "do-not-contact", "email:Ann@Example.com");
        var (again, _, error) = await RunAsync(test, "suppress", "remove", "--list", "do-not-contact", "email:ann@example.com", "email:bob@example.com");
        var (invalid, _, why) = await RunAsync(test, "suppress", "remove", "--list", "do-not-contact", "ann");

        Assert.Equal((ExitCodes.Ok, ExitCodes.Failed, ExitCodes.BadInput), (exit, again, invalid));
        Assert.Contains("not on the list 'do-not-contact': email:ann@example.com", error);
        Assert.Contains("is not TYPE:VALUE", why);
        await test.ReopenAsync(Ct);
        Assert.Empty(await test.Store.SuppressionLists.CountsAsync(Ct));
    }

    [Fact]
    public async Task Help_teaches_the_file_shapes_with_examples()
    {
        var (exit, output, _) = await CliRunner.RunAsync(new StoreOptions(), "suppress", "import", "--help");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("--type", output);
        Assert.Contains("--column", output);
        Assert.Contains("commonground suppress import --list do-not-contact optouts.txt --type email", output);
        Assert.Contains("rejects file", output);
    }
}
