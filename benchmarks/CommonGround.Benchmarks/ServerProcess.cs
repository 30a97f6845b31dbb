using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace CommonGround.Benchmarks;

/// <summary>
/// The real CLI (<c>commonground.dll</c>, built in Release) run as a child process, exactly as an
/// operator runs it. Used to create the source and then to serve.
/// </summary>
sealed class ServerProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly StringBuilder _errors = new();

    ServerProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }
    public int Id => _process.Id;

    /// <summary>The CLI assembly under the repository root, or a clear error when it was not built.</summary>
    public static string CliPath(string repositoryRoot)
    {
        var path = Path.Combine(repositoryRoot, "src", "CommonGround.Cli", "bin", "Release", "net10.0", "linux-x64", "commonground.dll");
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: run `dotnet build -c Release` at the repository root first.");
    }

    /// <summary>Runs a CLI command to completion and returns its standard output.</summary>
    public static async Task<string> RunCliAsync(string cli, IEnumerable<string> args)
    {
        using var process = Process.Start(StartInfo(cli, args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"commonground {string.Join(' ', args)} failed ({process.ExitCode}): {await error}");
        return await output;
    }

    /// <summary>Starts <c>serve --json</c> and waits for the JSON line that says where it listens.</summary>
    public static async Task<ServerProcess> StartAsync(string cli, IEnumerable<string> storeArgs)
    {
        var process = Process.Start(StartInfo(cli, ["serve", .. storeArgs, "--urls", "http://127.0.0.1:0", "--json"]))!;
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (errors) errors.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        // --json prints one object once listening (one line today; read on until it parses either way).
        var text = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"serve exited before listening: {errors}");
            if (text.Length == 0 && !line.StartsWith('{')) continue;
            text.AppendLine(line);
            JsonDocument json;
            try
            {
                json = JsonDocument.Parse(text.ToString());
            }
            catch (JsonException)
            {
                continue;
            }
            using (json)
            {
                // Keep reading: a server whose output pipe fills up blocks on its next write.
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
                var url = json.RootElement.GetProperty("urls")[0].GetString()!;
                var server = new ServerProcess(process, new Uri(url));
                lock (errors) server._errors.Append(errors);
                return server;
            }
        }
    }

    /// <summary>Peak resident set (VmHWM) of the server so far, in bytes.</summary>
    public long PeakRssBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
            var kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
            return long.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        return 0;
    }

    /// <summary>SIGTERM, so the host shuts down cleanly (group commit drained, store closed).</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])))
            await kill!.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("The server did not stop within 60 s of SIGTERM.");
        }
    }

    static ProcessStartInfo StartInfo(string cli, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(cli);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return info;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
