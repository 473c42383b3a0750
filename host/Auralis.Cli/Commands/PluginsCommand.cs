using System.CommandLine;
using System.Text.Json;
using Auralis.Engine.Plugins;

namespace Auralis.Cli.Commands;

/// <summary><c>auralis plugins [--json]</c>: every plugin folder with its status, <c>ok</c> or the named error.</summary>
public static class PluginsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Func<ParseResult, CliHost> host)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var command = new Command("plugins", "List installed plugins and whether each one loads") { json };
        command.SetAction(r => Run(host(r), r.GetValue(json)));
        return command;
    }

    private static int Run(CliHost host, bool asJson) => host.Run(() =>
    {
        var catalog = host.Catalog;
        catalog.LoadAll();
        var rows = catalog.Records.Select(r => new PluginRow(r)).ToList();
        var (missing, configError) = MissingRequired(catalog);
        if (asJson)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteString("plugins_dir", catalog.Directory);
                if (catalog.DirectoryError is { } de)
                {
                    w.WriteString("error", de.ToString());
                }
                w.WriteStartArray("plugins");
                foreach (var row in rows)
                {
                    w.WriteStartObject();
                    w.WriteString("id", row.Id);
                    w.WriteString("name", row.Name);
                    w.WriteString("version", row.Version);
                    w.WriteString("sdk_version", row.SdkVersion);
                    w.WriteString("kind", row.Kind);
                    w.WriteString("folder", row.Folder);
                    w.WriteString("status", row.Status);
                    if (row.Error is { } e)
                    {
                        w.WriteStartObject("error");
                        w.WriteString("code", e.Code);
                        w.WriteString("path", e.Path);
                        w.WriteString("reason", e.Reason);
                        w.WriteString("fix", e.Fix);
                        w.WriteEndObject();
                    }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("missing_required");
                foreach (var id in missing)
                {
                    w.WriteStringValue(id);
                }
                w.WriteEndArray();
                if (configError is not null)
                {
                    w.WriteString("config_error", configError);
                }
                w.WriteEndObject();
            }
            host.Out.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        }
        else
        {
            host.Out.WriteLine($"plugins directory: {catalog.Directory}");
            if (catalog.DirectoryError is { } de)
            {
                host.Out.WriteLine($"  {de}");
            }
            // Columns as wide as their widest entry, so long plugin names keep the table aligned.
            var idWidth = rows.Select(r => r.Id.Length).Append(2).Max();
            var nameWidth = rows.Select(r => r.Name.Length).Append(4).Max();
            host.Out.WriteLine($"{"ID".PadRight(idWidth)} {"NAME".PadRight(nameWidth)} {"VERSION",-8} {"SDK",-6} {"KIND",-9} STATUS");
            foreach (var row in rows)
            {
                host.Out.WriteLine($"{row.Id.PadRight(idWidth)} {row.Name.PadRight(nameWidth)} {row.Version,-8} {row.SdkVersion,-6} {row.Kind,-9} {row.Status}");
            }
            if (configError is not null)
            {
                host.Out.WriteLine($"  {configError}");
            }
            foreach (var id in missing)
            {
                host.Out.WriteLine($"{id.PadRight(idWidth)} {"-".PadRight(nameWidth)} {"-",-8} {"-",-6} {"-",-9} missing: required by this installation " +
                    "but not installed (its folder is missing or its manifest unreadable). Fix: reinstall Auralis to restore the plugin");
            }
        }
        return catalog.DirectoryError is null && rows.All(r => r.Error is null) && missing.Count == 0 && configError is null ? ExitCodes.Ok : ExitCodes.PluginUnavailable;
    });

    // The plugins auralis.config.json requires that the installation's own plugins directory lacks, or why that cannot
    // be told (the configuration is missing or malformed: an incomplete installation, itself an error). Another
    // directory (--plugins-dir, AURALIS_PLUGINS: a user's or a third party's) is listed as it is.
    private static (List<string> Missing, string? ConfigError) MissingRequired(PluginCatalog catalog)
    {
        if (catalog.DirectoryError is not null
            || !string.Equals(Path.GetFullPath(catalog.Directory), Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "plugins")), StringComparison.Ordinal))
        {
            return ([], null);
        }
        try
        {
            var config = InstallConfig.Load(InstallConfig.DefaultPath);
            return (config.RequiredPlugins.Where(id => catalog.Records.All(r => r.Id != id)).ToList(), null);
        }
        catch (InvalidDataException e)
        {
            return ([], e.Message);
        }
    }

    private sealed class PluginRow(PluginRecord record)
    {
        private readonly LoadedPlugin? _plugin = record.TryLoad();
        public string Id => record.Id;
        public string Name => _plugin?.Descriptor.Name ?? "-";
        public string Version => record.Manifest?.Version.ToString() ?? "-";
        public string SdkVersion => record.Manifest?.SdkVersion.ToString() ?? "-";
        public string Kind => _plugin?.Descriptor.Kind.ToString().ToLowerInvariant() ?? "-";
        public string Folder => record.Folder;
        public PluginError? Error => record.Error;
        public string Status => Error is null ? "ok" : $"{Error.Code}: {Error.Reason} ({Error.Path}). Fix: {Error.Fix}";
    }
}
