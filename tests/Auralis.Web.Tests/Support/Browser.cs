using Microsoft.Playwright;

namespace Auralis.Web.Tests.Support;

/// <summary>
/// Debian's Chromium, headless, driven through Playwright's driver. Never a downloaded browser: the executable is
/// /usr/bin/chromium (installed by ./build.sh setup). Audio autoplay is allowed; there is no sound card, so tests check
/// the audio the page received and the player's position, not the speakers.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    /// <summary>Debian's Chromium.</summary>
    public const string Executable = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;

    private Browser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Instance = browser;
    }

    /// <summary>The browser.</summary>
    public IBrowser Instance { get; }

    /// <summary>Launches Chromium.</summary>
    public static async Task<Browser> LaunchAsync()
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: run ./build.sh setup (it installs Debian's chromium)");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--autoplay-policy=no-user-gesture-required",
            ],
        });
        return new Browser(playwright, browser);
    }

    /// <summary>A new page at 1400×1600: tall enough that a plain screenshot shows the whole page (full-page screenshots,
    /// which resize the view, intermittently never return with this Chromium).</summary>
    public async Task<IPage> NewPageAsync() =>
        await Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1600 } });

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Instance.DisposeAsync();
        _playwright.Dispose();
    }
}
