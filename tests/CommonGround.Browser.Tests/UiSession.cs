using Microsoft.Playwright;

namespace CommonGround.Browser.Tests;

/// <summary>One person's browser window on the demo site: a context of its own (cookies included) and one page.</summary>
public sealed class UiSession : IAsyncDisposable
{
    readonly IBrowserContext _context;
    readonly List<string> _problems = [];

    UiSession(IBrowserContext context, IPage page, Uri site)
    {
        _context = context;
        Page = page;
        Site = site;
        // Console errors include Content-Security-Policy violations and failed loads of the UI's own files.
        page.Console += (_, message) => { if (message.Type == "error") lock (_problems) _problems.Add(message.Text); };
        page.PageError += (_, error) => { lock (_problems) _problems.Add(error); };
    }

    public IPage Page { get; }
    public Uri Site { get; }

    /// <summary>What went wrong in the page so far (console errors, script errors); empty on a healthy page.</summary>
    public IReadOnlyList<string> Problems { get { lock (_problems) return [.. _problems]; } }

    public static async Task<UiSession> OpenAsync(DemoSite site, int width = 1280, int height = 900, ColorScheme colors = ColorScheme.Light)
    {
        var browser = await site.BrowserAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
            TimezoneId = "UTC",
            ColorScheme = colors,
        });
        // Generous: CI machines run every test project at once on 2 cores.
        context.SetDefaultTimeout(30_000);
        return new UiSession(context, await context.NewPageAsync(), site.Server.Address);
    }

    public async Task GoAsync(string path)
    {
        var response = await Page.GotoAsync(new Uri(Site, path).ToString());
        Assert.NotNull(response);
    }

    /// <summary>Opens the site, lands on the sign-in page, pastes the key and signs in.</summary>
    public async Task SignInAsync(string key, string path = "/")
    {
        await GoAsync(path);
        Assert.Equal("/login", new Uri(Page.Url).AbsolutePath);
        await Page.GetByLabel("API key").FillAsync(key);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Page.WaitForLoadStateAsync();
    }

    public string Path => new Uri(Page.Url).AbsolutePath;

    public Task<string> HeadingAsync() => Page.Locator("h1").InnerTextAsync();

    public Task<string> ScreenshotAsync(string name) => Screenshots.SaveAsync(Page, name);

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
