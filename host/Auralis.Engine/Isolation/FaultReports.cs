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

/// <summary>A plugin instance running in a sandbox process, as adapters and diagnostics see it.</summary>
public interface ISandboxedInstance : IReportsFaults
{
    /// <summary>True while the child is processing it.</summary>
    bool IsUp { get; }

    /// <summary>Frames passed through unprocessed because the child was down or late.</summary>
    long BypassedFrames { get; }

    /// <summary>Blocks whose answer came after the realtime deadline (passed through instead).</summary>
    int LateBlocks { get; }

    /// <summary>Every time its process went away, and what followed.</summary>
    IReadOnlyList<SandboxIncident> Incidents { get; }

    /// <summary>Changes whenever an incident is recorded or its outcome known: a cheap, allocation-free "anything new?".</summary>
    int IncidentVersion { get; }
}
