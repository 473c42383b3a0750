using Auralis.Engine.Plugins;
using Auralis.Sdk;

namespace Auralis.Engine.Graph;

/// <summary>What a graph is compiled for.</summary>
public sealed class CompileSettings
{
    /// <summary>Samples per second.</summary>
    public required double SampleRate { get; init; }

    /// <summary>The most frames one render call will carry.</summary>
    public required int MaxBlockSize { get; init; }

    /// <summary>Channels arriving at the graph input (1 or 2).</summary>
    public required int InputChannels { get; init; }

    /// <summary>Offline or realtime (passed to plugins).</summary>
    public ProcessMode Mode { get; init; } = ProcessMode.Offline;

    /// <summary>Total input frames when known.</summary>
    public long ExpectedLength { get; init; } = -1;

    /// <summary>When true (the default) the graph output must be connected; analysis-only graphs set false.</summary>
    public bool RequireOutput { get; init; } = true;

    /// <summary>Makes the sink a node's frame results go to; null discards them.</summary>
    public Func<CompiledNodeInfo, IResultSink>? ResultSinks { get; init; }

    /// <summary>
    /// Where each node's plugin runs: given the node and its resolved plugin, returns the plugin to instantiate — itself,
    /// or a proxy that runs it in a sandbox process (<see cref="Isolation.PluginSandbox"/>). Null keeps every plugin in
    /// this process.
    /// </summary>
    public Func<GraphNode, LoadedPlugin, LoadedPlugin>? PlacePlugin { get; init; }

    /// <summary>A node's time budget per block as a fraction of the block's real-time duration; a node over it in
    /// <see cref="Isolation.NodeHealth.OverBudgetFlagBlocks"/> blocks is flagged.</summary>
    public double NodeTimeBudget { get; init; } = 1.0;
}

/// <summary>What a result sink factory learns about the node it serves.</summary>
public sealed record CompiledNodeInfo(string NodeId, PluginDescriptor Descriptor, double SampleRate);

/// <summary>
/// Compiles an <see cref="AudioGraph"/> into a <see cref="RenderSequence"/>, off the audio thread: resolves and
/// initialises plugins, orders nodes, inserts delay lines so parallel paths stay sample-aligned, and plans buffer reuse.
/// </summary>
public static class GraphCompiler
{
    /// <summary>Compiles <paramref name="graph"/>. Thread: control. Allocates; never call it on the audio thread.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="resolve">Finds a plugin by id or alias (a <see cref="PluginCatalog"/>'s <c>Resolve</c>).</param>
    /// <param name="settings">Rate, block size, channels.</param>
    /// <exception cref="GraphException">The graph is not processable, with the reason named.</exception>
    /// <exception cref="PluginLoadException">A plugin it needs is missing or broken, named.</exception>
    public static RenderSequence Compile(AudioGraph graph, Func<string, LoadedPlugin> resolve, CompileSettings settings)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (settings.InputChannels is < 1 or > 2)
        {
            throw new GraphException(GraphErrorKind.Unusable,
                $"the input has {settings.InputChannels} channels; Auralis processes mono and stereo (downmix first, e.g. sox in.wav -c 2 out.wav)");
        }
        var created = new List<IAudioPlugin>();
        try
        {
            return new Builder(graph, resolve, settings, created).Build();
        }
        catch
        {
            foreach (var instance in created)
            {
                instance.Dispose();
            }
            throw;
        }
    }

    private sealed class Builder(AudioGraph graph, Func<string, LoadedPlugin> resolve, CompileSettings settings, List<IAudioPlugin> created)
    {
        private readonly List<RenderOp> _ops = [];
        private readonly Dictionary<int, float[]> _pinned = [];
        private int _nextBuffer;

        // Per node id: output port name -> virtual buffer ids of its channels; latency at its output; tail at its output.
        private readonly Dictionary<string, Dictionary<string, int[]>> _portBuffers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _outputLatency = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _outputTail = new(StringComparer.Ordinal);
        private readonly Dictionary<string, AudioLayout> _layouts = new(StringComparer.Ordinal);

        public RenderSequence Build()
        {
            var plugins = graph.Nodes.ToDictionary(n => n.Id, n => resolve(n.PluginId), StringComparer.Ordinal);
            if (settings.PlacePlugin is { } place)
            {
                foreach (var node in graph.Nodes)
                {
                    plugins[node.Id] = place(node, plugins[node.Id]);
                }
            }
            var order = TopologicalOrder();

            // The graph input: one port "out" with pinned buffers the adapter writes.
            var inputs = new float[settings.InputChannels][];
            var inputIds = new int[settings.InputChannels];
            for (var c = 0; c < inputs.Length; c++)
            {
                inputs[c] = new float[settings.MaxBlockSize];
                inputIds[c] = NewBuffer();
                _pinned[inputIds[c]] = inputs[c];
            }
            _portBuffers[AudioGraph.InputNode] = new() { ["out"] = inputIds };
            _outputLatency[AudioGraph.InputNode] = 0;
            _outputTail[AudioGraph.InputNode] = 0;

            var nodes = new List<CompiledNode>();
            var nodeOps = new List<ProcessNodeOp>();
            var flush = 0;
            foreach (var node in order)
            {
                var plugin = plugins[node.Id];
                var incoming = graph.Connections.Where(c => c.To.Node == node.Id).ToList();
                var layout = ChooseLayout(node, plugin.Descriptor, incoming);
                _layouts[node.Id] = layout;
                var arrival = incoming.Count == 0 ? 0 : incoming.Max(c => _outputLatency[c.From.Node]);
                var tailIn = incoming.Count == 0 ? 0 : incoming.Max(c => _outputTail[c.From.Node]);

                var instance = plugin.CreateInstance();
                created.Add(instance);
                try
                {
                    instance.Initialize(new AudioSetup(layout, settings.SampleRate, settings.MaxBlockSize, settings.Mode, settings.ExpectedLength));
                    instance.Reset();
                }
                catch (Exception e)
                {
                    throw new PluginLoadException(new PluginError(PluginErrorKind.ConstructorFailed, plugin.Id, plugin.Folder,
                        $"Initialize({layout.Name}, {settings.SampleRate} Hz, block {settings.MaxBlockSize}) threw {e.GetType().Name}: {e.Message}",
                        "report this to the plugin's vendor"), e);
                }
                var latency = Math.Max(0, instance.LatencySamples);
                var tail = Math.Max(0, instance.TailSamples);
                var parameters = ResolveParameters(node, plugin.Descriptor);

                // Input channels: sum of every connection into each port, delayed to the latest arrival.
                if (incoming.FirstOrDefault(c => c.To.Port is { } named && layout.Inputs.All(p => p.Name != named)) is { } wrongPort)
                {
                    throw new GraphException(GraphErrorKind.UnknownPort,
                        $"connection {wrongPort}: node '{node.Id}' has no input '{wrongPort.To.Port}' (it has {string.Join(", ", layout.Inputs.Select(p => p.Name))})");
                }
                var inIds = new List<int>();
                for (var p = 0; p < layout.Inputs.Count; p++)
                {
                    var port = layout.Inputs[p];
                    var into = incoming.Where(c => (c.To.Port ?? DefaultPort(layout.Inputs, node.Id, "input")) == port.Name).ToList();
                    if (into.Count == 0)
                    {
                        throw new GraphException(GraphErrorKind.Unconnected, $"node '{node.Id}' ({plugin.Id}): input '{port.Name}' is not connected");
                    }
                    inIds.AddRange(GatherPort(into, port.Channels, arrival, alwaysCopy: false, destinations: null));
                }
                var outIds = new int[layout.OutputChannelCount];
                var ports = new Dictionary<string, int[]>(StringComparer.Ordinal);
                for (int p = 0, ch = 0; p < layout.Outputs.Count; p++)
                {
                    var ids = new int[layout.Outputs[p].Channels];
                    for (var k = 0; k < ids.Length; k++, ch++)
                    {
                        ids[k] = outIds[ch] = NewBuffer();
                    }
                    ports[layout.Outputs[p].Name] = ids;
                }
                _portBuffers[node.Id] = ports;
                _outputLatency[node.Id] = arrival + latency;
                _outputTail[node.Id] = tailIn + tail;
                flush = Math.Max(flush, arrival + latency + tailIn + tail);

                var info = new CompiledNodeInfo(node.Id, plugin.Descriptor, settings.SampleRate);
                IResultSink sink = settings.ResultSinks?.Invoke(info) ?? NullResultSink.Instance;
                if (arrival != 0 && sink is not NullResultSink)
                {
                    sink = new TimeShiftedResultSink(sink, arrival);
                }
                var compiled = new CompiledNode(nodes.Count, node, plugin, instance, layout, latency, tail, arrival, parameters, sink);
                compiled.Health.SetBudget(settings.SampleRate, settings.NodeTimeBudget);
                nodes.Add(compiled);
                var op = new ProcessNodeOp(compiled, [.. inIds], outIds, settings.MaxBlockSize);
                nodeOps.Add(op);
                _ops.Add(op);
            }

            // The graph output.
            var toOutput = graph.Connections.Where(c => c.To.Node == AudioGraph.OutputNode).ToList();
            float[][] outputs = [];
            var latencyOut = 0;
            var tailOut = 0;
            if (toOutput.Count == 0)
            {
                if (settings.RequireOutput)
                {
                    throw new GraphException(GraphErrorKind.Unconnected, "the graph output is not connected: nothing would be written");
                }
            }
            else
            {
                latencyOut = toOutput.Max(c => _outputLatency[c.From.Node]);
                tailOut = toOutput.Max(c => _outputTail[c.From.Node]);
                var channels = toOutput.Max(c => SourceChannels(c.From).Length);
                outputs = new float[channels][];
                var outIds = new int[channels];
                for (var c = 0; c < channels; c++)
                {
                    outputs[c] = new float[settings.MaxBlockSize];
                    outIds[c] = NewBuffer();
                    _pinned[outIds[c]] = outputs[c];
                }
                GatherPort(toOutput, channels, latencyOut, alwaysCopy: true, destinations: outIds);
                flush = Math.Max(flush, latencyOut + tailOut);
            }

            // Every node must contribute to something: a processor whose output goes nowhere is a graph mistake.
            foreach (var n in nodes)
            {
                if (n.Descriptor.Kind == PluginKind.Processor && graph.Connections.All(c => c.From.Node != n.Id))
                {
                    throw new GraphException(GraphErrorKind.Unconnected, $"node '{n.Id}' ({n.Descriptor.Id}): its output is not connected to anything");
                }
            }

            var bufferCount = BindBuffers(settings.MaxBlockSize);
            return new RenderSequence(settings, inputs, outputs, nodes, _ops, latencyOut, tailOut, flush, bufferCount);
        }

        private List<GraphNode> TopologicalOrder()
        {
            // Kahn's algorithm; Connect already refused cycles, this re-checks for graphs built by other means.
            var indegree = graph.Nodes.ToDictionary(n => n.Id, _ => 0, StringComparer.Ordinal);
            foreach (var c in graph.Connections)
            {
                // Edges from the graph input never block a node: the input is always ready.
                if (c.From.Node != AudioGraph.InputNode && c.To.Node != AudioGraph.OutputNode && indegree.ContainsKey(c.To.Node))
                {
                    indegree[c.To.Node]++;
                }
            }
            foreach (var c in graph.Connections)
            {
                foreach (var end in new[] { c.From.Node, c.To.Node })
                {
                    if (end is not (AudioGraph.InputNode or AudioGraph.OutputNode) && !indegree.ContainsKey(end))
                    {
                        throw new GraphException(GraphErrorKind.UnknownNode, $"connection {c}: there is no node '{end}'");
                    }
                }
            }
            var ready = new Queue<string>(graph.Nodes.Where(n => indegree[n.Id] == 0).Select(n => n.Id));
            var order = new List<GraphNode>();
            while (ready.Count > 0)
            {
                var id = ready.Dequeue();
                order.Add(graph.FindNode(id)!);
                foreach (var c in graph.Connections.Where(c => c.From.Node == id && c.To.Node != AudioGraph.OutputNode && indegree.ContainsKey(c.To.Node)))
                {
                    if (--indegree[c.To.Node] == 0)
                    {
                        ready.Enqueue(c.To.Node);
                    }
                }
            }
            if (order.Count != graph.Nodes.Count)
            {
                var stuck = graph.Nodes.Where(n => indegree[n.Id] > 0).Select(n => n.Id);
                throw new GraphException(GraphErrorKind.Cycle, $"the graph has a cycle through: {string.Join(", ", stuck)}");
            }
            return order;
        }

        private AudioLayout ChooseLayout(GraphNode node, PluginDescriptor descriptor, List<Connection> incoming)
        {
            if (incoming.Count == 0)
            {
                throw new GraphException(GraphErrorKind.Unconnected,
                    $"node '{node.Id}' ({descriptor.Id}): input '{descriptor.Layouts[0].Inputs[0].Name}' is not connected");
            }
            // Channels offered = the widest source; prefer a layout whose first input port takes exactly that many.
            var offered = incoming.Max(c => SourceChannels(c.From).Length);
            return descriptor.Layouts.FirstOrDefault(l => l.Inputs[0].Channels == offered)
                ?? descriptor.Layouts.FirstOrDefault(l => l.Inputs[0].Channels > offered)
                ?? descriptor.Layouts[0];
        }

        private int[] SourceChannels(PortRef from)
        {
            if (!_portBuffers.TryGetValue(from.Node, out var ports))
            {
                throw new GraphException(GraphErrorKind.UnknownNode, $"there is no node '{from.Node}'");
            }
            var portName = from.Port;
            if (portName is null)
            {
                if (ports.Count != 1)
                {
                    throw new GraphException(GraphErrorKind.UnknownPort,
                        $"node '{from.Node}' has outputs {string.Join(", ", ports.Keys)}: name one, e.g. {from.Node}.{ports.Keys.First()}");
                }
                return ports.Values.First();
            }
            return ports.TryGetValue(portName, out var ids)
                ? ids
                : throw new GraphException(GraphErrorKind.UnknownPort,
                    $"node '{from.Node}' has no output '{portName}'" + (ports.Count > 0 ? $" (it has {string.Join(", ", ports.Keys)})" : " (it has no audio outputs)"));
        }

        private string DefaultPort(IReadOnlyList<AudioPort> ports, string node, string direction) =>
            ports.Count == 1
                ? ports[0].Name
                : throw new GraphException(GraphErrorKind.UnknownPort,
                    $"node '{node}' has {direction}s {string.Join(", ", ports.Select(p => p.Name))}: name one in the connection");

        // Produces the channel buffers of one destination port: each source delayed to `arrival`, converted to the
        // port's channel count (mono is copied to every channel; several channels into mono are averaged) and summed.
        private List<int> GatherPort(List<Connection> into, int channels, int arrival, bool alwaysCopy, int[]? destinations)
        {
            foreach (var c in into)
            {
                if (c.To.Node != AudioGraph.OutputNode)
                {
                    var layout = _layouts[c.To.Node];
                    if (c.To.Port is { } named && layout.Inputs.All(p => p.Name != named))
                    {
                        throw new GraphException(GraphErrorKind.UnknownPort,
                            $"connection {c}: node '{c.To.Node}' has no input '{named}' (it has {string.Join(", ", layout.Inputs.Select(p => p.Name))})");
                    }
                }
            }
            var contributions = new List<(int Buffer, float Gain)>[channels];
            for (var ch = 0; ch < channels; ch++)
            {
                contributions[ch] = [];
            }
            foreach (var c in into)
            {
                var source = SourceChannels(c.From);
                var delay = arrival - _outputLatency[c.From.Node];
                if (delay > 0)
                {
                    source = source.Select(id =>
                    {
                        var delayed = NewBuffer();
                        _ops.Add(new DelayOp(id, delayed, delay));
                        return delayed;
                    }).ToArray();
                }
                if (source.Length == channels)
                {
                    for (var ch = 0; ch < channels; ch++)
                    {
                        contributions[ch].Add((source[ch], 1f));
                    }
                }
                else if (source.Length == 1)
                {
                    for (var ch = 0; ch < channels; ch++)
                    {
                        contributions[ch].Add((source[0], 1f));
                    }
                }
                else if (channels == 1)
                {
                    foreach (var id in source)
                    {
                        contributions[0].Add((id, 1f / source.Length));
                    }
                }
                else
                {
                    throw new GraphException(GraphErrorKind.Unusable,
                        $"connection {c}: cannot connect {source.Length} channels to a {channels}-channel port");
                }
            }
            var result = new List<int>(channels);
            for (var ch = 0; ch < channels; ch++)
            {
                var parts = contributions[ch];
                if (!alwaysCopy && parts.Count == 1 && parts[0].Gain == 1f)
                {
                    result.Add(parts[0].Buffer); // read the source buffer directly, no copy
                    continue;
                }
                var dst = destinations?[ch] ?? NewBuffer();
                _ops.Add(new ScaleCopyOp(parts[0].Buffer, dst, parts[0].Gain));
                foreach (var (buffer, gain) in parts.Skip(1))
                {
                    _ops.Add(new MixOp(buffer, dst, gain));
                }
                result.Add(dst);
            }
            return result;
        }

        private float[] ResolveParameters(GraphNode node, PluginDescriptor descriptor)
        {
            var values = descriptor.Parameters.Select(p => p.Default).ToArray();
            foreach (var (id, value) in node.Parameters)
            {
                var index = descriptor.IndexOfParameter(id);
                if (index < 0)
                {
                    throw new GraphException(GraphErrorKind.BadParameter,
                        $"node '{node.Id}' ({descriptor.Id}) has no parameter '{id}'" +
                        (descriptor.Parameters.Count > 0 ? $" (it has {string.Join(", ", descriptor.Parameters.Select(p => p.Id))})" : " (it has none)"));
                }
                var info = descriptor.Parameters[index];
                if (!(value >= info.Min && value <= info.Max))
                {
                    throw new GraphException(GraphErrorKind.BadParameter,
                        $"node '{node.Id}': parameter '{id}' = {value} is outside [{info.Min}, {info.Max}] {info.Unit}".TrimEnd());
                }
                values[index] = info.Clamp(value);
            }
            return values;
        }

        private int NewBuffer() => _nextBuffer++;

        // Maps virtual buffers to physical arrays, reusing an array once its last reader has run.
        private int BindBuffers(int maxBlock)
        {
            var lastUse = new Dictionary<int, int>();
            for (var i = 0; i < _ops.Count; i++)
            {
                foreach (var id in _ops[i].Reads.Concat(_ops[i].Writes))
                {
                    lastUse[id] = i;
                }
            }
            var physical = new Dictionary<int, float[]>(_pinned);
            var free = new Stack<float[]>();
            for (var i = 0; i < _ops.Count; i++)
            {
                foreach (var id in _ops[i].Writes)
                {
                    if (!physical.ContainsKey(id))
                    {
                        physical[id] = free.Count > 0 ? free.Pop() : new float[maxBlock];
                    }
                }
                _ops[i].Bind(id => physical[id]);
                foreach (var id in _ops[i].Reads.Concat(_ops[i].Writes).Distinct())
                {
                    if (lastUse[id] == i && !_pinned.ContainsKey(id))
                    {
                        free.Push(physical[id]);
                    }
                }
            }
            return physical.Values.Distinct().Count();
        }
    }
}
