using Microsoft.Playwright;

namespace CommonGround.Browser.Tests;

/// <summary>
/// Where the browser tests keep their screenshots: tests/CommonGround.Browser.Tests/TestResults/screenshots
/// (or the folder named by <see cref="Variable"/>), one file per test and step, replaced on every run.
/// </summary>
public static class Screenshots
{
    public const string Variable = "COMMONGROUND_SCREENSHOTS";

    public static string Folder { get; } = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured
        ? configured
        : Path.Combine(Testing.Repository.Root, "tests", "CommonGround.Browser.Tests", "TestResults", "screenshots");

    /// <summary>A full-page PNG named after the step, e.g. "03-profile.png"; returns its path.</summary>
    public static async Task<string> SaveAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }
}
