using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Auralis.Engine.Isolation;
using Auralis.Engine.Plugins;
using Auralis.Engine.Validation;

namespace Auralis.Engine.Scanning;

/// <summary>How plugins are vetted before the host loads them.</summary>
public sealed record ScanOptions
{
    /// <summary>The program that scans a plugin in a child process (the <c>auralis</c> executable).</summary>
    public string ExecutablePath { get; init; } = Path.Combine(AppContext.BaseDirectory, "auralis");

    /// <summary>Where verdicts are cached; null scans every time.</summary>
    public string? CacheDirectory { get; init; } = PluginScanner.DefaultCacheDirectory();

    /// <summary>A scan that takes longer is killed and the plugin marked bad (hung).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The validator strictness the scan runs (low: load, initialise, process a little, hostile-free).</summary>
    public int Strictness { get; init; } = 2;

    /// <summary>Part of every cached verdict's version: a new host rescans everything.</summary>
    public required string HostVersion { get; init; }
}

/// <summary>One plugin's scan verdict.</summary>
/// <param name="Folder">The plugin folder.</param>
/// <param name="Passed">True when the plugin loaded and passed the scan's checks.</param>
/// <param name="Reason">Why it was marked bad (empty when it passed).</param>
/// <param name="FromCache">True when the verdict was cached for this exact folder content and host version.</param>
public sealed record ScanVerdict(string Folder, bool Passed, string Reason, bool FromCache);

/// <summary>
/// Ardour-style plugin scanning: a plugin seen for the first time, or whose folder changed (file names, sizes or
/// modification times), is loaded and validated in a child process (<c>auralis plugin-scan</c>) before the host loads
/// it. A plugin that crashes or hangs the scanner, or fails its checks, is marked bad with the reason and never
/// loaded by the host; the verdict is cached with the host version and the folder fingerprint.
/// </summary>
public static class PluginScanner
{
    /// <summary>The hidden subcommand name of the child scanner.</summary>
    public const string CommandName = "plugin-scan";

    /// <summary>The cache file's name.</summary>
    public const string CacheFileName = "plugin-scan.json";

    /// <summary><c>$XDG_CACHE_HOME/auralis</c>, else <c>~/.cache/auralis</c>; null when neither can be found.</summary>
    public static string? DefaultCacheDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "auralis");
        }
        var home = Environment.GetEnvironmentVariable("HOME");
        return string.IsNullOrWhiteSpace(home) ? null : Path.Combine(home, ".cache", "auralis");
    }

    /// <summary>Vets every plugin of <paramref name="catalog"/> whose manifest is readable, marking bad ones in it.</summary>
    public static IReadOnlyList<ScanVerdict> Vet(PluginCatalog catalog, ScanOptions options)
    {
        var cache = ScanCache.Load(options.CacheDirectory);
        var verdicts = new List<ScanVerdict>();
        foreach (var record in catalog.Records.Where(r => r.Manifest is not null && r.Error is null))
        {
            var fingerprint = Fingerprint(record.Folder);
            var verdict = cache.Find(record.Folder, fingerprint, options.HostVersion);
            if (verdict is null)
            {
                verdict = ScanInChild(record.Folder, options);
                cache.Store(verdict, fingerprint, options.HostVersion);
            }
            if (!verdict.Passed)
            {
                record.MarkBad(new PluginError(PluginErrorKind.ScanFailed, record.Id, record.Folder, verdict.Reason,
                    "update or remove the plugin; it is scanned again when its folder changes"));
            }
            verdicts.Add(verdict);
        }
        cache.Save();
        return verdicts;
    }

    /// <summary>The folder's file names, sizes and modification times, one line per file (contents are not read). Kept as
    /// text rather than hashed: exact, a few hundred bytes per plugin, and no cryptography library to load at every
    /// start of the host.</summary>
    public static string Fingerprint(string folder)
    {
        var text = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(file);
            text.Append(CultureInfo.InvariantCulture, $"{Path.GetRelativePath(folder, file)}\0{info.Length}\0{info.LastWriteTimeUtc.Ticks}\n");
        }
        return text.ToString();
    }

    /// <summary>Scans one plugin folder in a child process.</summary>
    public static ScanVerdict ScanInChild(string folder, ScanOptions options)
    {
        var psi = new ProcessStartInfo(options.ExecutablePath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in new[] { CommandName, folder, "--strictness", options.Strictness.ToString(CultureInfo.InvariantCulture) })
        {
            psi.ArgumentList.Add(arg);
        }
        using var child = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {options.ExecutablePath}");
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        if (!child.WaitForExit(options.Timeout))
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            return new ScanVerdict(folder, false, $"the plugin hung the scanner (no verdict within {options.Timeout.TotalSeconds:0.#} s)", false);
        }
        child.WaitForExit();
        var said = LastWords(stderr.Result);
        JsonObject? report = null;
        try
        {
            report = JsonNode.Parse(stdout.Result) as JsonObject;
        }
        catch (JsonException)
        {
        }
        if (report is null || child.ExitCode is not (0 or 1))
        {
            return new ScanVerdict(folder, false,
                $"the plugin crashed the scanner ({ChildExit.Describe(child.ExitCode)}{(said.Length > 0 ? ": " + said : "")})", false);
        }
        if (report["error"] is not null)
        {
            // A load error is named, not dangerous: the host's own load reports it the same way, so it is not marked
            // bad here (and its message stays the precise one).
            return new ScanVerdict(folder, true, "", false);
        }
        var failed = report["checks"]!.AsArray().OfType<JsonObject>().Where(c => c["passed"]?.GetValue<bool>() == false)
            .Select(c => $"{c["id"]!.GetValue<string>()}: {c["detail"]!.GetValue<string>()}").ToList();
        return failed.Count == 0
            ? new ScanVerdict(folder, true, "", false)
            : new ScanVerdict(folder, false, $"failed the scanner's checks ({string.Join("; ", failed)})", false);
    }

    /// <summary>The child side: loads and validates <paramref name="folder"/>, prints the report as JSON.</summary>
    public static int RunChild(string folder, int strictness, TextWriter output)
    {
        LoadedPlugin plugin;
        try
        {
            plugin = PluginLoader.Load(folder);
        }
        catch (PluginLoadException e)
        {
            output.WriteLine(new JsonObject { ["error"] = e.Message }.ToJsonString());
            return 1;
        }
        var report = PluginValidator.Validate(plugin, new ValidationOptions(strictness));
        output.WriteLine(report.ToJson());
        return report.Passed ? 0 : 1;
    }

    private static string LastWords(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.TrimEntries).Where(l => !ChildExit.IsNoise(l)).Take(2);
        return ChildExit.Clip(string.Join(" ", lines));
    }
}
