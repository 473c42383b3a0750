using System.Text.Json;

namespace Auralis.Cli;

/// <summary>
/// <c>auralis.config.json</c> next to the executable: what this installation needs to be healthy. Doctor and every
/// command check it, so a plugin left out of a package is a named error, not a silent gap.
/// </summary>
public sealed record InstallConfig(string Path, IReadOnlyList<string> RequiredPlugins)
{
    /// <summary>The file name.</summary>
    public const string FileName = "auralis.config.json";

    /// <summary>Overrides the config path (tests, unusual installs).</summary>
    public const string EnvironmentVariable = "AURALIS_CONFIG";

    /// <summary>Where the config is: <c>AURALIS_CONFIG</c>, else next to the executable.</summary>
    public static string DefaultPath =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } p ? System.IO.Path.GetFullPath(p)
            : System.IO.Path.Combine(AppContext.BaseDirectory, FileName);

    /// <summary>Reads the config.</summary>
    /// <exception cref="InvalidDataException">Missing or malformed, with the path.</exception>
    public static InstallConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path} is missing: this installation is incomplete. Fix: reinstall Auralis");
        }
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var list = doc.RootElement.GetProperty("required_plugins").EnumerateArray().Select(e => e.GetString()
                ?? throw new InvalidDataException("required_plugins entries must be strings")).ToArray();
            return new InstallConfig(path, list);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path} is malformed ({e.Message}). Fix: reinstall Auralis", e);
        }
    }
}
