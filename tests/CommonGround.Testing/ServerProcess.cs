using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using CommonGround.Storage;

namespace CommonGround.Testing;

/// <summary>
/// The real <c>commonground serve</c> in a child process, for what an in-process server cannot show:
/// a crash (SIGKILL) and a restart.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly System.Text.StringBuilder _errors;

    ServerProcess(Process process, Uri address, string adminKey, System.Text.StringBuilder errors)
    {
        _process = process;
        _errors = errors;
        Address = address;
        AdminKey = adminKey;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    }

    public Uri Address { get; }
    public string AdminKey { get; }

    /// <summary>What the server wrote to standard error so far (its logs), for a failing test's message.</summary>
    public string Errors
    {
        get
        {
            lock (_errors) return _errors.ToString();
        }
    }

    /// <summary>A client that sends the admin key.</summary>
    public HttpClient Http { get; }

    public static async Task<ServerProcess> StartAsync(StoreOptions store, string adminKey, CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[Repository.CliDll(), "serve", "--urls", "http://127.0.0.1:0", "--json", "--provider", store.Provider])
            start.ArgumentList.Add(arg);
        if (store.Provider == StoreOptions.DuckDb) { start.ArgumentList.Add("--data"); start.ArgumentList.Add(store.DataDirectory); }
        else { start.ArgumentList.Add("--connection-string"); start.ArgumentList.Add(store.ConnectionString!); }
        start.Environment[Web.Hosting.CommonGroundApp.AdminKeyVariable] = adminKey;

        var process = Process.Start(start)!;
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (errors) errors.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (!line.StartsWith('{')) continue;
                using var json = JsonDocument.Parse(line);
                var url = json.RootElement.GetProperty("urls")[0].GetString()!;
                _ = DrainAsync(process.StandardOutput);
                return new ServerProcess(process, new Uri(url), adminKey, errors);
            }
            throw new InvalidOperationException("The server did not start: " + errors);
        }
        catch
        {
            // Never leave a server behind a failed start.
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    static async Task DrainAsync(StreamReader output)
    {
        while (await output.ReadLineAsync() is not null) { }
    }

    /// <summary>SIGKILL: no shutdown hook, no flush, exactly like a power cut of the process.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited) await KillAsync();
        _process.Dispose();
    }
}
