using Auralis.Engine.Graph;
using Auralis.Engine.Plugins;
using Auralis.Sdk;

namespace Auralis.Engine.Realtime;

/// <summary>A node of the live graph, for readers of its results and load.</summary>
/// <param name="Index">Position in the render sequence (what result records carry).</param>
/// <param name="Id">Node id in the graph.</param>
/// <param name="Compiled">The compiled node (descriptor, parameters, fault state, DSP time).</param>
/// <param name="Results">Its frame results, or null when the plugin publishes none.</param>
/// <param name="WarmUpTicks">DSP time spent warming up, to subtract from <see cref="CompiledNode.ProcessTicks"/>.</param>
public sealed record LiveNode(int Index, string Id, CompiledNode Compiled, FrameResultRing? Results, long WarmUpTicks)
{
    /// <summary>The plugin's descriptor.</summary>
    public PluginDescriptor Descriptor => Compiled.Descriptor;

    /// <summary>DSP time spent since the node went live, in <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
    public long LiveProcessTicks => Compiled.ProcessTicks - WarmUpTicks;
}

/// <summary>What a realtime adapter fixes before any graph is compiled: its rate, block size and input ports.</summary>
public sealed record LiveGraphSettings(double SampleRate, int MaxBlockSize, int InputChannels)
{
    /// <summary>Crossfade at a graph swap, in frames; default 10 ms.</summary>
    public int CrossfadeFrames { get; init; } = (int)Math.Round(SampleRate * RealtimeRunner.DefaultCrossfade.TotalSeconds);

    /// <summary>Frames of results buffered per analyzer until the reader catches up.</summary>
    public int ResultCapacity { get; init; } = 512;

    /// <summary>Where each node's plugin runs (a plugin sandbox's <c>Place</c> for <c>--isolation process</c>); null: in-process.</summary>
    public Func<GraphNode, LoadedPlugin, LoadedPlugin>? PlacePlugin { get; init; }
}

/// <summary>
/// The control side of a realtime run, shared by every realtime adapter: the graph being played, edited while it plays.
/// Parameter changes go to the audio thread through the sequence's lock-free queue; graph changes are compiled and
/// warmed up here, off the audio thread, then swapped in by the <see cref="RealtimeRunner"/> with a crossfade.
/// </summary>
/// <remarks>Thread: one control thread at a time (callers serialise). Readers may read <see cref="Nodes"/> from any thread.</remarks>
public sealed class LiveGraph : IDisposable
{
    private readonly Func<string, LoadedPlugin> _resolve;
    private readonly LiveGraphSettings _settings;
    private AudioGraph _graph;
    private LiveNode[] _nodes;
    private int _generation;

    /// <summary>Compiles and warms up <paramref name="graph"/>, ready for the adapter to start calling the runner.</summary>
    /// <exception cref="GraphException">The graph cannot run (named), or a plugin failed while warming up.</exception>
    /// <exception cref="PluginLoadException">A plugin is missing or broken.</exception>
    public LiveGraph(AudioGraph graph, Func<string, LoadedPlugin> resolve, LiveGraphSettings settings)
    {
        ArgumentNullException.ThrowIfNull(graph);
        _resolve = resolve;
        _settings = settings;
        _graph = graph.Clone();
        (var sequence, _nodes) = Build(_graph);
        Runner = new RealtimeRunner(sequence, settings.CrossfadeFrames);
    }

    /// <summary>The runner the adapter drives.</summary>
    public RealtimeRunner Runner { get; }

    /// <summary>How many graphs have been swapped in (0 for the first).</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>The nodes of the latest graph, in render order. Thread: any.</summary>
    public IReadOnlyList<LiveNode> Nodes => Volatile.Read(ref _nodes);

    /// <summary>The latest graph with its current parameter values (a copy).</summary>
    public AudioGraph Graph => _graph.Clone();

    /// <summary>Frames by which the latest graph's output lags its input.</summary>
    public int LatencySamples => Runner.Latest.LatencySamples;

    /// <summary>
    /// The input channels to give a graph: what the plugins fed by the graph input prefer (their first layout), 1 or 2.
    /// </summary>
    public static int PreferredInputChannels(AudioGraph graph, Func<string, LoadedPlugin> resolve)
    {
        var fed = graph.Connections.Where(c => c.From.Node == AudioGraph.InputNode && c.To.Node != AudioGraph.OutputNode)
            .Select(c => graph.FindNode(c.To.Node)).OfType<GraphNode>()
            .Select(n => resolve(n.PluginId).Descriptor.Layouts[0].Inputs[0].Channels).ToList();
        return fed.Count == 0 ? 2 : Math.Clamp(fed.Max(), 1, 2);
    }

    /// <summary>
    /// Sets <c>node.parameter</c>; it takes effect at the start of the next block. The graph keeps the value for
    /// later swaps.
    /// </summary>
    /// <exception cref="GraphException">No such node or parameter, or the value is out of range (named).</exception>
    public void SetParameter(string nodeId, string parameterId, float value)
    {
        var node = Array.Find(_nodes, n => n.Id == nodeId)
            ?? throw new GraphException(GraphErrorKind.UnknownNode,
                $"there is no node '{nodeId}' (nodes: {string.Join(", ", _nodes.Select(n => n.Id))})");
        var descriptor = node.Descriptor;
        var index = descriptor.IndexOfParameter(parameterId);
        if (index < 0)
        {
            throw new GraphException(GraphErrorKind.BadParameter, $"node '{nodeId}' ({descriptor.Id}) has no parameter '{parameterId}'" +
                (descriptor.Parameters.Count > 0 ? $" (it has {string.Join(", ", descriptor.Parameters.Select(p => p.Id))})" : " (it has none)"));
        }
        var info = descriptor.Parameters[index];
        if (!(value >= info.Min && value <= info.Max))
        {
            throw new GraphException(GraphErrorKind.BadParameter,
                $"{nodeId}.{parameterId} = {value} is outside [{info.Min}, {info.Max}] {info.Unit}".TrimEnd());
        }
        if (!Runner.Latest.PostParameter(node.Index, index, value))
        {
            throw new InvalidOperationException($"{nodeId}.{parameterId}: the parameter queue is full (the audio thread is not running?)");
        }
        _graph.FindNode(nodeId)!.Parameters[parameterId] = value;
    }

    /// <summary>
    /// Compiles and warms up <paramref name="graph"/> here, hands it to the audio thread, and waits up to
    /// <paramref name="wait"/> for the crossfade to finish so the old graph can be disposed. Returns whether it finished
    /// (if not, the swap still happens at the audio thread's next block and the old graph is disposed later).
    /// </summary>
    /// <exception cref="GraphException">The graph cannot run, does not fit the adapter's channels, or a plugin failed while warming up.</exception>
    /// <exception cref="PluginLoadException">A plugin is missing or broken.</exception>
    public bool Replace(AudioGraph graph, TimeSpan wait)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var copy = graph.Clone();
        var (sequence, nodes) = Build(copy);
        try
        {
            Runner.Swap(sequence);
        }
        catch (ArgumentException e)
        {
            sequence.Dispose();
            throw new GraphException(GraphErrorKind.Unusable, e.Message);
        }
        _graph = copy;
        Volatile.Write(ref _nodes, nodes);
        Interlocked.Increment(ref _generation);
        var deadline = DateTime.UtcNow + wait;
        while (!Runner.SwapCompleted && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(1);
        }
        Runner.DisposeRetired();
        return Runner.SwapCompleted;
    }

    /// <summary>Disposes graphs the audio thread has finished with.</summary>
    public void DisposeRetired() => Runner.DisposeRetired();

    /// <summary>Disposes every graph. Thread: control, after the adapter stopped calling the runner.</summary>
    public void Dispose() => Runner.Dispose();

    private (RenderSequence, LiveNode[]) Build(AudioGraph graph)
    {
        var rings = new Dictionary<string, FrameResultRing>(StringComparer.Ordinal);
        var sequence = GraphCompiler.Compile(graph, _resolve, new CompileSettings
        {
            SampleRate = _settings.SampleRate,
            MaxBlockSize = _settings.MaxBlockSize,
            InputChannels = _settings.InputChannels,
            Mode = ProcessMode.Realtime,
            RequireOutput = false,
            PlacePlugin = _settings.PlacePlugin,
            ResultSinks = node => node.Descriptor.FrameResultWidth == 0
                ? NullResultSink.Instance
                : rings[node.NodeId] = new FrameResultRing(node.Descriptor.FrameResultWidth, _settings.ResultCapacity),
        });
        try
        {
            WarmUp(sequence);
            if (sequence.Nodes.FirstOrDefault(n => n.IsBypassed) is { } failed)
            {
                throw new GraphException(GraphErrorKind.Unusable, $"{failed.DescribeFault()} (while warming up, before going live)");
            }
            foreach (var ring in rings.Values)
            {
                ring.Clear();
            }
            var nodes = sequence.Nodes.Select(n => new LiveNode(n.Index, n.Id, n, rings.GetValueOrDefault(n.Id), n.ProcessTicks)).ToArray();
            return (sequence, nodes);
        }
        catch
        {
            sequence.Dispose();
            throw;
        }
    }

    // Plays the warm-up signal through every plugin here (WarmUpSignal says why and for how long), then resets the
    // sequence to silence.
    private static void WarmUp(RenderSequence sequence)
    {
        var block = sequence.MaxBlockSize;
        var plugins = sequence.Nodes.Select(n => n.Plugin).ToArray();
        var frames = WarmUpSignal.FramesFor(plugins, sequence.SampleRate, sequence.FlushSamples);
        for (long done = 0; done < frames; done += block)
        {
            for (var c = 0; c < sequence.InputChannelCount; c++)
            {
                WarmUpSignal.Write(sequence.Input(c)[..block], done, c, sequence.SampleRate);
            }
            sequence.Render(block);
        }
        sequence.Reset();
        WarmUpSignal.MarkWarmed(plugins);
    }
}
