using System.CommandLine;
using CommonGround.Storage;
using CommonGround.Web.Hosting;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace CommonGround.Cli;

/// <summary>
/// The options every command shares and what they resolve to: where the store is, how to print.
/// Store settings come from flags first, then the same configuration the server reads
/// (environment variables such as Store__Provider and Store__ConnectionString).
/// </summary>
public sealed class CliContext(IAnsiConsole console, TextWriter error)
{
    public static readonly Option<string?> DataOption = new("--data")
    {
        Description = "Folder of the embedded store (default ./commonground-data, created when missing).",
        HelpName = "DIR",
        Recursive = true,
    };

    public static readonly Option<string?> ProviderOption = new("--provider")
    {
        Description = "Store to use: duckdb (embedded, the default) or postgres.",
        HelpName = "duckdb|postgres",
        Recursive = true,
    };

    public static readonly Option<string?> ConnectionStringOption = new("--connection-string")
    {
        Description = "PostgreSQL connection string, with --provider postgres.",
        HelpName = "CS",
        Recursive = true,
    };

    public static readonly Option<bool> JsonOption = new("--json")
    {
        Description = "Print machine-readable JSON instead of tables and progress bars.",
        Recursive = true,
    };

    static CliContext() => ProviderOption.AcceptOnlyFromAmong(StoreOptions.DuckDb, StoreOptions.Postgres);

    /// <summary>Where tables, progress and results go.</summary>
    public IAnsiConsole Console { get; } = console;

    /// <summary>Where error messages go (standard error).</summary>
    public TextWriter Error { get; } = error;

    public static StoreOptions ResolveStoreOptions(ParseResult parse)
    {
        var config = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var options = new StoreOptions();
        config.GetSection(StoreOptions.Section).Bind(options);
        if (parse.GetValue(ProviderOption) is { } provider) options.Provider = provider;
        if (parse.GetValue(ConnectionStringOption) is { } cs) options.ConnectionString = cs;
        if (parse.GetValue(DataOption) is { } data) options.DataDirectory = data;
        return options;
    }

    public static bool Json(ParseResult parse) => parse.GetValue(JsonOption);

    /// <summary>Identifier types and phone region as the server reads them (environment variables such as Identity__DefaultPhoneRegion).</summary>
    public static CommonGround.Identity.IdentityOptions ResolveIdentityOptions()
    {
        var options = new CommonGround.Identity.IdentityOptions();
        new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection(CommonGround.Identity.IdentityOptions.Section).Bind(options);
        return options;
    }

    public Task<IStore> OpenStoreAsync(ParseResult parse, CancellationToken ct) =>
        StoreFactory.OpenAsync(ResolveStoreOptions(parse), ct);

    /// <summary>Writes a value as one compact JSON line, for a stream of events (serve --json).</summary>
    public void WriteJsonLine<T>(T value) =>
        Console.Profile.Out.Writer.WriteLine(System.Text.Json.JsonSerializer.Serialize(value, CliJson.Compact));

    /// <summary>Writes a value as indented JSON to the output, for --json.</summary>
    public void WriteJson<T>(T value) =>
        Console.Profile.Out.Writer.WriteLine(System.Text.Json.JsonSerializer.Serialize(value, CliJson.Options));
}

public static class CliJson
{
    public static readonly System.Text.Json.JsonSerializerOptions Compact = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase) },
    };

    public static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase) },
    };
}
