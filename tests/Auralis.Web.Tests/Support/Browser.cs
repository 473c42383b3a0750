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

    /// <summary>Closes the browser; one that does not close within 30 s is killed with the Playwright driver.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Instance.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            KillAll();
        }
        _playwright.Dispose();
    }

    /// <summary>
    /// Kills every Playwright driver and Chromium process this test process started (its descendants named node or
    /// chromium): the way out when the browser stops answering.
    /// </summary>
    public static void KillAll()
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid))
            {
                try
                {
                    // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    parents[pid] = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                    // the process ended meanwhile
                }
            }
        }
        bool Descends(int pid)
        {
            for (var p = pid; parents.TryGetValue(p, out var parent) && p > 1; p = parent)
            {
                if (parent == Environment.ProcessId)
                {
                    return true;
                }
            }
            return false;
        }
        foreach (var pid in parents.Keys.Where(Descends))
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                if (process.ProcessName is "node" or "chromium" || process.ProcessName.StartsWith("chrom", StringComparison.Ordinal))
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // already gone
            }
        }
    }
}
