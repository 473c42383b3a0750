namespace Auralis.Sdk;

/// <summary>The version of this SDK and the one rule that decides whether a host accepts a plugin.</summary>
/// <remarks>Thread: any.</remarks>
public static partial class SdkInfo
{
    /// <summary>The SDK version this assembly implements.</summary>
    /// <remarks>
    /// A plugin records the version it was compiled against without doing anything: <see cref="VersionText"/> is a
    /// constant, so the compiler copies its value into the plugin's own assembly (see <see cref="PluginDescriptor"/>).
    /// </remarks>
    public static SemanticVersion Version { get; } = SemanticVersion.Parse(VersionText);

    /// <summary>
    /// Decides whether a host implementing SDK <paramref name="host"/> may load a plugin built against SDK
    /// <paramref name="plugin"/>: the major versions must be equal and the plugin's minor must not exceed the host's.
    /// Patch versions never matter.
    /// </summary>
    /// <returns>The verdict, with a message that names both versions.</returns>
    public static SdkCompatibility CheckCompatibility(SemanticVersion host, SemanticVersion plugin)
    {
        if (plugin.Major != host.Major)
        {
            return new SdkCompatibility(false,
                $"plugin was built against Auralis SDK {plugin} but this host implements SDK {host}: " +
                $"major versions differ ({plugin.Major} vs {host.Major}), so the contract is not the same");
        }
        if (plugin.Minor > host.Minor)
        {
            return new SdkCompatibility(false,
                $"plugin was built against Auralis SDK {plugin} but this host implements SDK {host}: " +
                $"the plugin needs SDK {plugin.Major}.{plugin.Minor} features; update the host");
        }
        return new SdkCompatibility(true, $"plugin SDK {plugin} is compatible with host SDK {host}");
    }
}

/// <summary>The verdict of <see cref="SdkInfo.CheckCompatibility"/>.</summary>
public readonly struct SdkCompatibility
{
    /// <summary>Creates a verdict.</summary>
    public SdkCompatibility(bool isCompatible, string message)
    {
        IsCompatible = isCompatible;
        Message = message;
    }

    /// <summary>True when the host may load the plugin.</summary>
    public bool IsCompatible { get; }

    /// <summary>A sentence naming both versions and, when refused, why.</summary>
    public string Message { get; }
}
