using Auralis.Engine.Graph;
using Auralis.Sdk;

namespace Auralis.Engine.Isolation;

/// <summary>An instance that can fail without throwing (a sandbox proxy whose process crashed or hung) and says how.</summary>
public interface IReportsFaults
{
    /// <summary>What happened to it, for people, or null when nothing did. Thread: control.</summary>
    string? DescribeFaults();
}

internal static class FaultReports
{
    public static string? Describe(IAudioPlugin instance, CompiledNode node) =>
        instance is IReportsFaults r && r.DescribeFaults() is { } text ? $"plugin '{node.Descriptor.Id}' (node '{node.Id}') {text}" : null;
}
