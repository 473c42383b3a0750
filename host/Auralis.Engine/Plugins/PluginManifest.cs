using System.Text.Json;
using Auralis.Sdk;

namespace Auralis.Engine.Plugins;

/// <summary>
/// The contents of a plugin folder's <c>plugin.json</c>: what the host needs to know before running any plugin code.
/// </summary>
/// <example><code>
/// { "id": "org.auralis.gain", "version": "1.0.0", "sdk_version": "1.0.0",
///   "entry_assembly": "Auralis.Plugins.Gain.dll",
///   "entry_type": "Auralis.Plugins.Gain.GainPlugin",      // optional
///   "native_libraries": ["libfftw3f.so.3"] }               // optional
/// </code></example>
public sealed record PluginManifest(
    string Id,
    SemanticVersion Version,
    SemanticVersion SdkVersion,
    string EntryAssembly,
    string? EntryType,
    IReadOnlyList<string> NativeLibraries)
{
    /// <summary>The manifest's file name inside a plugin folder.</summary>
    public const string FileName = "plugin.json";

    /// <summary>A manifest larger than this is refused unread: it is hostile or broken.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Reads and validates <c>plugin.json</c> in <paramref name="folder"/>.</summary>
    /// <exception cref="PluginLoadException">Missing, malformed or invalid manifest, named.</exception>
    public static PluginManifest Load(string folder)
    {
        var folderName = System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(folder));
        var path = System.IO.Path.Combine(folder, FileName);
        if (!Directory.Exists(folder))
        {
            throw Fail(PluginErrorKind.FolderMissing, folderName, folder, "the plugin folder does not exist",
                "reinstall the plugin or remove it from the configuration");
        }
        if (!File.Exists(path))
        {
            throw Fail(PluginErrorKind.ManifestMissing, folderName, path, "the folder has no plugin.json",
                "reinstall the plugin; every plugin folder needs a plugin.json manifest");
        }
        var length = new FileInfo(path).Length;
        if (length > MaxBytes)
        {
            throw Fail(PluginErrorKind.ManifestMalformed, folderName, path,
                $"plugin.json is {length} bytes; manifests are limited to {MaxBytes}", "replace plugin.json with the plugin's real manifest");
        }
        return Parse(File.ReadAllBytes(path), folder, folderName);
    }

    /// <summary>Parses manifest bytes; <paramref name="folder"/> anchors the entry-path check.</summary>
    public static PluginManifest Parse(ReadOnlySpan<byte> json, string folder, string folderName)
    {
        var path = System.IO.Path.Combine(folder, FileName);
        if (json.Length > MaxBytes)
        {
            throw Fail(PluginErrorKind.ManifestMalformed, folderName, path,
                $"plugin.json is {json.Length} bytes; manifests are limited to {MaxBytes}", "replace plugin.json with the plugin's real manifest");
        }
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            throw Fail(PluginErrorKind.ManifestMalformed, folderName, path, "plugin.json is not valid UTF-8 text", "replace plugin.json with the plugin's real manifest");
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw Fail(PluginErrorKind.ManifestMalformed, folderName, path, "plugin.json is not valid JSON: " + e.Message,
                "fix the JSON syntax or reinstall the plugin");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Fail(PluginErrorKind.ManifestMalformed, folderName, path, $"plugin.json must be a JSON object, not {root.ValueKind}",
                    "reinstall the plugin");
            }
            var id = RequiredString(root, "id", folderName, path);
            var who = id;
            if (!PluginDescriptor.IsValidId(id))
            {
                throw Fail(PluginErrorKind.ManifestInvalid, folderName, path, $"'id' is '{Trim(id)}', not a reverse-DNS plugin id",
                    "use an id like com.example.reverb");
            }
            var version = RequiredVersion(root, "version", who, path);
            var sdkVersion = RequiredVersion(root, "sdk_version", who, path);
            var entry = RequiredString(root, "entry_assembly", who, path);
            CheckEntryPath(entry, folder, who, path);
            string? entryType = null;
            if (root.TryGetProperty("entry_type", out var t))
            {
                entryType = t.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(t.GetString())
                    ? t.GetString()
                    : throw Fail(PluginErrorKind.ManifestMalformed, who, path, "'entry_type' must be a non-empty string", "fix plugin.json");
            }
            var natives = new List<string>();
            if (root.TryGetProperty("native_libraries", out var n))
            {
                if (n.ValueKind != JsonValueKind.Array)
                {
                    throw Fail(PluginErrorKind.ManifestMalformed, who, path, "'native_libraries' must be an array of strings", "fix plugin.json");
                }
                foreach (var item in n.EnumerateArray())
                {
                    var name = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
                    if (string.IsNullOrWhiteSpace(name) || name.Contains('/') || name.Contains('\\') || name.Contains(".."))
                    {
                        throw Fail(PluginErrorKind.ManifestInvalid, who, path,
                            "'native_libraries' entries must be library file names such as libfoo.so.1 (no paths)", "fix plugin.json");
                    }
                    natives.Add(name);
                }
            }
            return new PluginManifest(id, version, sdkVersion, entry, entryType, natives);
        }
    }

    private static void CheckEntryPath(string entry, string folder, string who, string path)
    {
        var escapes = System.IO.Path.IsPathRooted(entry) || entry.Contains("..") || entry.Contains('\\') || entry.Contains('\0');
        if (!escapes)
        {
            var root = System.IO.Path.GetFullPath(folder);
            var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, entry));
            escapes = !full.StartsWith(System.IO.Path.TrimEndingDirectorySeparator(root) + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);
        }
        if (escapes)
        {
            throw Fail(PluginErrorKind.ManifestInvalid, who, path,
                $"'entry_assembly' '{Trim(entry)}' points outside the plugin folder", "name an assembly inside the plugin's own folder");
        }
        if (!entry.EndsWith(".dll", StringComparison.Ordinal))
        {
            throw Fail(PluginErrorKind.ManifestInvalid, who, path, $"'entry_assembly' '{Trim(entry)}' is not a .dll", "name the plugin's .dll");
        }
    }

    private static string RequiredString(JsonElement root, string name, string who, string path)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            throw Fail(PluginErrorKind.ManifestInvalid, who, path, $"required field '{name}' is missing", $"add '{name}' to plugin.json");
        }
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw Fail(PluginErrorKind.ManifestMalformed, who, path, $"field '{name}' must be a non-empty string, not {value.ValueKind}",
                $"fix '{name}' in plugin.json");
        }
        return value.GetString()!;
    }

    private static SemanticVersion RequiredVersion(JsonElement root, string name, string who, string path)
    {
        var text = RequiredString(root, name, who, path);
        return SemanticVersion.TryParse(text, out var v)
            ? v
            : throw Fail(PluginErrorKind.ManifestInvalid, who, path, $"'{name}' is '{Trim(text)}', not major.minor.patch", $"fix '{name}' in plugin.json");
    }

    private static string Trim(string text) => text.Length <= 80 ? text : text[..80] + "…";

    private static PluginLoadException Fail(PluginErrorKind kind, string who, string path, string reason, string fix) =>
        new(new PluginError(kind, who, path, reason, fix));
}
