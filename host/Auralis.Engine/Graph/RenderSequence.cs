using Auralis.Engine.Realtime;
using Auralis.Sdk;

namespace Auralis.Engine.Graph;

/// <summary>A parameter change travelling to the audio thread.</summary>
public readonly record struct ParameterChange(int Node, int Parameter, float Value);

/// <summary>
/// A compiled graph: a flat list of render ops over preallocated buffers. The audio thread calls
/// <see cref="Render"/>; nothing in it allocates, locks or blocks. Built by <see cref="GraphCompiler"/>.
/// </summary>
/// <remarks>
/// Use: fill <see cref="Input"/> channels with up to <see cref="MaxBlockSize"/> frames, call <see cref="Render"/>, read
/// <see cref="Output"/> channels. Output lags input by <see cref="LatencySamples"/>; after input ends, call
/// <see cref="MarkInputEnd"/> and render <see cref="FlushSamples"/> more frames of silence to drain latency and tails.
/// </remarks>
public sealed class RenderSequence : IDisposable
{
    private readonly float[][] _inputs;
    private readonly float[][] _outputs;
    private readonly RenderOp[] _ops;
    private readonly CompiledNode[] _nodes;
    private readonly RenderClock _clock = new();
    private readonly SpscQueue<ParameterChange> _parameterChanges = new(1024);
    private bool _disposed;

    internal RenderSequence(CompileSettings settings, float[][] inputs, float[][] outputs, List<CompiledNode> nodes,
        List<RenderOp> ops, int latency, int tail, int flush, int bufferCount)
    {
        SampleRate = settings.SampleRate;
        MaxBlockSize = settings.MaxBlockSize;
        _inputs = inputs;
        _outputs = outputs;
        _nodes = [.. nodes];
        _ops = [.. ops];
        LatencySamples = latency;
        TailSamples = tail;
        FlushSamples = flush;
        BufferCount = bufferCount;
    }

    /// <summary>Samples per second.</summary>
    public double SampleRate { get; }

    /// <summary>The most frames per render.</summary>
    public int MaxBlockSize { get; }

    /// <summary>Graph input channels.</summary>
    public int InputChannelCount => _inputs.Length;

    /// <summary>Graph output channels (0 for analysis-only graphs).</summary>
    public int OutputChannelCount => _outputs.Length;

    /// <summary>Frames by which the graph output lags its input: the longest compensated path.</summary>
    public int LatencySamples { get; }

    /// <summary>Frames of tail after the latency.</summary>
    public int TailSamples { get; }

    /// <summary>Frames of silence to render after input ends so every node (outputs and analyzers) has drained.</summary>
    public int FlushSamples { get; }

    /// <summary>Physical channel buffers the plan uses (after reuse).</summary>
    public int BufferCount { get; }

    /// <summary>Number of render ops.</summary>
    public int OperationCount => _ops.Length;

    /// <summary>Frames rendered since the last reset.</summary>
    public long Position => _clock.Position;

    /// <summary>The compiled plugin nodes in render order.</summary>
    public IReadOnlyList<CompiledNode> Nodes => _nodes;

    /// <summary>Graph input channel <paramref name="channel"/>: write up to <see cref="MaxBlockSize"/> frames before rendering.</summary>
    public Span<float> Input(int channel) => _inputs[channel];

    /// <summary>Graph output channel <paramref name="channel"/>: valid after <see cref="Render"/>.</summary>
    public ReadOnlySpan<float> Output(int channel) => _outputs[channel];

    /// <summary>The node with <paramref name="id"/>, or null.</summary>
    public CompiledNode? FindNode(string id) => Array.Find(_nodes, n => n.Id == id);

    /// <summary>Renders one block. Thread: audio. Never allocates, locks or throws because of a plugin.</summary>
    public void Render(int frames)
    {
        if ((uint)(frames - 1) >= (uint)MaxBlockSize)
        {
            throw new ArgumentOutOfRangeException(nameof(frames), frames, $"1..{MaxBlockSize} frames per render");
        }
        while (_parameterChanges.TryDequeue(out var change))
        {
            ApplyParameter(change);
        }
        var ops = _ops;
        for (var i = 0; i < ops.Length; i++)
        {
            ops[i].Run(frames, _clock);
        }
        _clock.Position += frames;
    }

    /// <summary>
    /// Queues a parameter change to take effect at the start of the next block (sample-accurate at block boundaries).
    /// Thread: one control thread at a time. Lock-free; false when the queue is full.
    /// </summary>
    public bool PostParameter(int node, int parameter, float value)
    {
        if ((uint)node >= (uint)_nodes.Length || (uint)parameter >= (uint)_nodes[node].ParameterValues.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(parameter), $"node {node} has no parameter {parameter}");
        }
        return _parameterChanges.TryEnqueue(new ParameterChange(node, parameter, value));
    }

    /// <summary>Sets a parameter at once. Thread: control, only while nothing renders.</summary>
    public void SetParameter(int node, int parameter, float value) => ApplyParameter(new ParameterChange(node, parameter, value));

    /// <summary>Marks the current position as the end of real input; later frames are flush silence. Thread: audio/control between renders.</summary>
    public void MarkInputEnd() => _clock.InputEnd = _clock.Position;

    /// <summary>Clears all audio state, positions and bypass delay lines. Thread: control, while nothing renders.</summary>
    public void Reset()
    {
        foreach (var node in _nodes)
        {
            node.Instance.Reset();
        }
        foreach (var op in _ops)
        {
            switch (op)
            {
                case DelayOp d:
                    d.Line.Clear();
                    break;
                case ProcessNodeOp p:
                    p.ResetBypass();
                    break;
            }
        }
        _clock.Position = 0;
        _clock.InputEnd = -1;
        while (_parameterChanges.TryDequeue(out var change))
        {
            ApplyParameter(change);
        }
    }

    /// <summary>Asks a node's plugin for its stream summary. Thread: control, after the flush.</summary>
    public void Summarize(int node, ISummarySink sink) => _nodes[node].Instance.Summarize(sink);

    /// <summary>Disposes every plugin instance the sequence owns.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (var node in _nodes)
        {
            node.Instance.Dispose();
        }
    }

    private void ApplyParameter(ParameterChange change)
    {
        var node = _nodes[change.Node];
        node.ParameterValues[change.Parameter] = node.Descriptor.Parameters[change.Parameter].Clamp(change.Value);
    }
}
