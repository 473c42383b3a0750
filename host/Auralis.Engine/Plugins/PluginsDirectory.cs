namespace Auralis.Engine.Plugins;

/// <summary>Where the plugins directory is: an explicit option, else <c>AURALIS_PLUGINS</c>, else next to the executable.</summary>
public static class PluginsDirectory
{
    /// <summary>The environment variable that overrides the plugins directory.</summary>
    public const string EnvironmentVariable = "AURALIS_PLUGINS";

    /// <summary>Resolves the plugins directory. Relative to the executable by default, so a build, an unpacked package
    /// and an installed copy all find their own plugins.</summary>
    public static string Resolve(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return Path.GetFullPath(explicitPath);
        }
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }
        return Path.Combine(AppContext.BaseDirectory, "plugins");
    }
}
