using Microsoft.Playwright;

namespace CommonGround.Browser.Tests;

/// <summary>
/// Debian's chromium, started headless by Playwright (never a downloaded browser: <c>./test.sh</c>
/// installs the <c>chromium</c> package). Without it a test skips locally and fails in CI.
/// </summary>
public static class Chromium
{
    /// <summary>Names another chromium binary when it is not on the PATH.</summary>
    public const string Variable = "COMMONGROUND_CHROMIUM";

    // What works headless on a small CI machine without a GPU or a user namespace sandbox.
    static readonly string[] Flags =
    [
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    /// <summary>The chromium executable, or a skip (a failure when CI is set) saying how to install it.</summary>
    public static string Executable()
    {
        if (Find() is { } path) return path;
        const string reason = "Debian's chromium is not installed (run ./test.sh, or `apt-get install chromium`; " +
                              "or set " + Variable + " to a chromium binary).";
        if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 }) Assert.Fail(reason);
        Assert.Skip(reason);
        return "";
    }

    static string? Find()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured) return File.Exists(configured) ? configured : null;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => new[] { Path.Combine(dir, "chromium"), Path.Combine(dir, "chromium-browser") })
            .FirstOrDefault(File.Exists);
    }

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright, string executable) =>
        await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = Flags,
        });
}
