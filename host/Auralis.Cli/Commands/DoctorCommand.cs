using System.CommandLine;
using System.Text.Json;
using Auralis.Engine.Plugins;

namespace Auralis.Cli.Commands;

/// <summary>
/// <c>auralis doctor [--json]</c>: checks the installation's own files, native libraries and every plugin. Exit 0 only
/// when everything needed is healthy; every problem is named with its path and a fix.
/// </summary>
public static class DoctorCommand
{
    /// <summary>One finding.</summary>
    public sealed record Check(string Area, string Name, string Status, string Detail, string? Path = null, string? Fix = null);

    /// <summary>Builds the command.</summary>
    public static Command Create(Func<ParseResult, CliHost> host)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text" };
        var command = new Command("doctor", "Check that this installation, its native libraries and its plugins are healthy") { json };
        command.SetAction(r => Run(host(r), r.GetValue(json)));
        return command;
    }

    /// <summary>Runs every check.</summary>
    public static IReadOnlyList<Check> Examine(CliHost host)
    {
        var checks = new List<Check>();
        checks.AddRange(CheckInstallFiles());

        // The web player's page: served from these files only, so each one must be there.
        var missingAssets = Auralis.Web.WebAssets.Missing(Auralis.Web.WebAssets.DefaultDirectory);
        foreach (var asset in missingAssets)
        {
            checks.Add(new Check("install", Path.GetFileName(asset), "fail", "web player file missing: 'auralis serve' cannot show its page", asset, "reinstall Auralis"));
        }
        if (missingAssets.Count == 0)
        {
            checks.Add(new Check("install", "web player", "ok", $"{Auralis.Web.WebAssets.Files.Count} page files present", Auralis.Web.WebAssets.DefaultDirectory));
        }

        // Native libraries.
        foreach (var dep in CliHost.NativeDependencies)
        {
            checks.Add(dep.TryLoad(out var path, out var problem)
                ? new Check("native", dep.LibraryName, "ok", $"loaded ({dep.NeededFor})", path)
                : new Check("native", dep.LibraryName, dep.Required ? "fail" : "warn", $"{problem}; needed for {dep.NeededFor}", null, dep.Fix));
        }

        checks.Add(new Check("cpu", "vector instructions", "ok", VectorPaths()));

        // Plugins: the directory, the ones this installation requires, and every folder present.
        var catalog = host.Catalog;
        if (catalog.DirectoryError is { } dirError)
        {
            checks.Add(new Check("plugins", "plugins directory", "fail", dirError.Reason, dirError.Path, dirError.Fix));
        }
        else
        {
            checks.Add(new Check("plugins", "plugins directory", "ok", $"{catalog.Records.Count} plugin folders", catalog.Directory));
        }
        InstallConfig? config = null;
        try
        {
            config = InstallConfig.Load(InstallConfig.DefaultPath);
            checks.Add(new Check("install", InstallConfig.FileName, "ok", $"{config.RequiredPlugins.Count} required plugins", config.Path));
        }
        catch (InvalidDataException e)
        {
            checks.Add(new Check("install", InstallConfig.FileName, "fail", e.Message, InstallConfig.DefaultPath, "reinstall Auralis"));
        }
        catalog.LoadAll();
        foreach (var required in config?.RequiredPlugins ?? [])
        {
            if (catalog.DirectoryError is null && catalog.Records.All(r => r.Id != required))
            {
                checks.Add(new Check("plugins", required, "fail",
                    "required by this installation but not installed (its folder is missing or its manifest unreadable)",
                    Path.Combine(catalog.Directory, required[(required.LastIndexOf('.') + 1)..]), "reinstall Auralis to restore the plugin"));
            }
        }
        foreach (var record in catalog.Records)
        {
            checks.Add(record.Error is { } e
                ? new Check("plugins", record.Id, "fail", $"{e.Code}: {e.Reason}", e.Path, e.Fix)
                : new Check("plugins", record.Id, "ok", $"{record.Manifest!.Version} loads ({record.TryLoad()!.Descriptor.Kind.ToString().ToLowerInvariant()})", record.Folder));
        }
        return checks;
    }

    /// <summary>Which of the DSP's code paths this process runs: the widest vectors the runtime lets the JIT use. A
    /// performance report needs it, and the runtime's <c>DOTNET_Enable*</c> switches (or a VM's CPU model) change it.</summary>
    public static string VectorPaths()
    {
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            return "512-bit (AVX-512)";
        }
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
        {
            return "256-bit (AVX2)";
        }
        return System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated
            ? "128-bit (SSE4 or NEON: the DSP's wider paths are off, it runs slower)"
            : "scalar (no hardware intrinsics: the DSP's vector paths are off, it runs much slower)";
    }

    private static int Run(CliHost host, bool asJson) => host.Run(() =>
    {
        var checks = Examine(host);
        var healthy = checks.All(c => c.Status != "fail");
        if (asJson)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteBoolean("healthy", healthy);
                w.WriteStartArray("checks");
                foreach (var c in checks)
                {
                    w.WriteStartObject();
                    w.WriteString("area", c.Area);
                    w.WriteString("name", c.Name);
                    w.WriteString("status", c.Status);
                    w.WriteString("detail", c.Detail);
                    if (c.Path is not null)
                    {
                        w.WriteString("path", c.Path);
                    }
                    if (c.Fix is not null)
                    {
                        w.WriteString("fix", c.Fix);
                    }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            host.Out.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        }
        else
        {
            foreach (var c in checks)
            {
                var line = $"{c.Status.ToUpperInvariant(),-4}  {c.Area,-8} {c.Name}: {c.Detail}";
                if (c.Path is not null)
                {
                    line += $" [{c.Path}]";
                }
                if (c.Fix is not null && c.Status != "ok")
                {
                    line += $" Fix: {c.Fix}";
                }
                host.Out.WriteLine(line);
            }
            var fails = checks.Count(c => c.Status == "fail");
            host.Out.WriteLine(healthy ? "healthy" : $"{fails} problem{(fails == 1 ? "" : "s")} found");
        }
        return healthy ? ExitCodes.Ok : ExitCodes.Failed;
    });

    // The host's own files: everything its deps.json says it runs from must be next to the executable.
    private static IEnumerable<Check> CheckInstallFiles()
    {
        var baseDir = AppContext.BaseDirectory;
        var deps = Directory.GetFiles(baseDir, "*.deps.json").FirstOrDefault(f => Path.GetFileName(f).StartsWith("auralis", StringComparison.Ordinal));
        if (deps is null)
        {
            yield return new Check("install", "auralis.deps.json", "fail", "missing: the installation is incomplete", Path.Combine(baseDir, "auralis.deps.json"), "reinstall Auralis");
            yield break;
        }
        var missing = new List<string>();
        var count = 0;
        using (var doc = JsonDocument.Parse(File.ReadAllBytes(deps)))
        {
            foreach (var target in doc.RootElement.GetProperty("targets").EnumerateObject())
            {
                foreach (var library in target.Value.EnumerateObject())
                {
                    foreach (var kind in new[] { "runtime", "native" })
                    {
                        if (!library.Value.TryGetProperty(kind, out var assets))
                        {
                            continue;
                        }
                        foreach (var asset in assets.EnumerateObject())
                        {
                            count++;
                            var name = Path.GetFileName(asset.Name);
                            if (!File.Exists(Path.Combine(baseDir, asset.Name)) && !File.Exists(Path.Combine(baseDir, name)))
                            {
                                missing.Add(name);
                            }
                        }
                    }
                }
            }
        }
        foreach (var name in missing)
        {
            yield return new Check("install", name, "fail", "listed in auralis.deps.json but missing", Path.Combine(baseDir, name), "reinstall Auralis");
        }
        if (missing.Count == 0)
        {
            yield return new Check("install", "host files", "ok", $"{count} files present", baseDir);
        }
    }
}
