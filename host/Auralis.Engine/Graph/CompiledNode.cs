using Auralis.Engine.Plugins;
using Auralis.Sdk;

namespace Auralis.Engine.Graph;

/// <summary>A plugin node as compiled: its initialised instance, chosen layout, latencies and live state.</summary>
public sealed class CompiledNode
{
    private Exception? _fault;
    private volatile bool _bypassed;
    private long _processTicks;

    internal CompiledNode(int index, GraphNode definition, LoadedPlugin plugin, IAudioPlugin instance, AudioLayout layout,
        int latency, int tail, int inputLatency, float[] parameterValues, IResultSink resultSink)
    {
        Index = index;
        Id = definition.Id;
        Plugin = plugin;
        Instance = instance;
        Layout = layout;
        LatencySamples = latency;
        TailSamples = tail;
        InputLatencySamples = inputLatency;
        ParameterValues = parameterValues;
        ResultSink = resultSink;
    }

    /// <summary>Position in the sequence's node list.</summary>
    public int Index { get; }

    /// <summary>Node id in the graph.</summary>
    public string Id { get; }

    /// <summary>The plugin it runs.</summary>
    public LoadedPlugin Plugin { get; }

    /// <summary>Its descriptor.</summary>
    public PluginDescriptor Descriptor => Plugin.Descriptor;

    /// <summary>The initialised instance. Owned by the sequence.</summary>
    public IAudioPlugin Instance { get; }

    /// <summary>The layout chosen for the channels that reach it.</summary>
    public AudioLayout Layout { get; }

    /// <summary>The plugin's own latency.</summary>
    public int LatencySamples { get; }

    /// <summary>The plugin's tail.</summary>
    public int TailSamples { get; }

    /// <summary>How late (relative to the graph input) this node's input arrives, after compensation.</summary>
    public int InputLatencySamples { get; }

    /// <summary>Current plain parameter values; written only between blocks.</summary>
    internal float[] ParameterValues { get; }

    /// <summary>Where its frame results go (already corrected to graph-input time).</summary>
    internal IResultSink ResultSink { get; }

    /// <summary>True once the node failed; it passes audio through (latency kept) for the rest of the run.</summary>
    public bool IsBypassed => _bypassed;

    /// <summary>What made it fail (null for a returned <see cref="ProcessStatus.Error"/>).</summary>
    public Exception? Fault => Volatile.Read(ref _fault);

    /// <summary>
    /// Total time spent in this node's <c>Process</c> since compilation, in <see cref="System.Diagnostics.Stopwatch"/>
    /// ticks (the per-plugin DSP load of realtime runs). Written by the audio thread; readable from any thread.
    /// </summary>
    public long ProcessTicks => Volatile.Read(ref _processTicks);

    internal void AddProcessTicks(long ticks) => Volatile.Write(ref _processTicks, _processTicks + ticks);

    /// <summary>A parameter's current value.</summary>
    public float GetParameter(int index) => ParameterValues[index];

    internal void Fail(Exception? e)
    {
        Volatile.Write(ref _fault, e);
        _bypassed = true;
    }

    /// <summary>Health counters kept on the audio thread (non-finite output, time budget); read them from any thread.</summary>
    public Isolation.NodeHealth Health { get; } = new();

    /// <summary>Describes the failure for people; null when healthy.</summary>
    public string? DescribeFault()
    {
        // A sandboxed instance explains its own failures (crash, hang, an exception in its process).
        var sandbox = Isolation.FaultReports.Describe(Instance, this);
        return !_bypassed
            ? sandbox
            : Fault is { } e ? $"plugin '{Descriptor.Id}' (node '{Id}') failed and is bypassed: {e.GetType().Name}: {e.Message}"
            : sandbox ?? $"plugin '{Descriptor.Id}' (node '{Id}') failed and is bypassed: Process returned Error";
    }

    /// <summary>Problems that did not stop the node (non-finite output replaced, time budget overrun), for people.</summary>
    public IReadOnlyList<string> DescribeFlags() => Health.Describe(this);
}

/// <summary>Corrects frame times from the node's input time to graph-input time.</summary>
internal sealed class TimeShiftedResultSink(IResultSink inner, int shift) : IResultSink
{
    public void WriteFrame(long centreSample, ReadOnlySpan<float> values) => inner.WriteFrame(centreSample - shift, values);
}

/// <summary>Discards results (nobody listens).</summary>
public sealed class NullResultSink : IResultSink
{
    /// <summary>The shared instance.</summary>
    public static NullResultSink Instance { get; } = new();

    /// <inheritdoc />
    public void WriteFrame(long centreSample, ReadOnlySpan<float> values)
    {
    }
}
