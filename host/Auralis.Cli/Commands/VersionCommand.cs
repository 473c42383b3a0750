using Auralis.Sdk;

namespace Auralis.Cli.Commands;

/// <summary><c>auralis --version</c>: product version, SDK version and bundled plugins with their versions.</summary>
public static class VersionCommand
{
    /// <summary>Prints the versions.</summary>
    public static int Run(CliHost host) => host.Run(() =>
    {
        host.Out.WriteLine($"auralis {CliHost.ProductVersion}");
        host.Out.WriteLine($"sdk {SdkInfo.Version}");
        host.Out.WriteLine($"plugins ({host.PluginsDirectoryPath}):");
        if (host.Catalog.DirectoryError is { } missing)
        {
            host.Out.WriteLine($"  (none: {missing.Reason})");
            return ExitCodes.Ok;
        }
        foreach (var record in host.Catalog.Records)
        {
            host.Out.WriteLine(record.Manifest is { } m
                ? $"  {m.Id} {m.Version}"
                : $"  {record.Id} (unreadable manifest)");
        }
        return ExitCodes.Ok;
    });
}
