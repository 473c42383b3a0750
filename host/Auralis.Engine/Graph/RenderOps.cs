using Auralis.Engine.Realtime;
using Auralis.Sdk;

namespace Auralis.Engine.Graph;

/// <summary>
/// One step of a compiled render sequence. Ops name buffers by virtual id while the compiler plans, then are bound
/// to preallocated arrays; at render time they only touch those arrays.
/// </summary>
internal abstract class RenderOp
{
    public abstract IEnumerable<int> Reads { get; }
    public abstract IEnumerable<int> Writes { get; }
    public abstract void Bind(Func<int, float[]> buffer);
    public abstract void Run(int frames, RenderClock clock);
}

/// <summary>Where the sequence is in time; shared by the ops of one sequence.</summary>
internal sealed class RenderClock
{
    public long Position;
    public long InputEnd = -1;
}

/// <summary>destination = gain · source.</summary>
internal sealed class ScaleCopyOp(int source, int destination, float gain) : RenderOp
{
    private float[] _src = [], _dst = [];
    public override IEnumerable<int> Reads => [source];
    public override IEnumerable<int> Writes => [destination];
    public override void Bind(Func<int, float[]> buffer) => (_src, _dst) = (buffer(source), buffer(destination));

    public override void Run(int frames, RenderClock clock)
    {
        if (gain == 1f)
        {
            _src.AsSpan(0, frames).CopyTo(_dst);
        }
        else
        {
            SampleMath.Scale(_src.AsSpan(0, frames), gain, _dst.AsSpan(0, frames));
        }
    }
}

/// <summary>destination += gain · source.</summary>
internal sealed class MixOp(int source, int destination, float gain) : RenderOp
{
    private float[] _src = [], _dst = [];
    public override IEnumerable<int> Reads => [source, destination];
    public override IEnumerable<int> Writes => [destination];
    public override void Bind(Func<int, float[]> buffer) => (_src, _dst) = (buffer(source), buffer(destination));

    public override void Run(int frames, RenderClock clock)
    {
        SampleMath.AddScaled(_src.AsSpan(0, frames), gain, _dst.AsSpan(0, frames));
    }
}

/// <summary>destination = source delayed by a fixed number of samples (latency compensation).</summary>
internal sealed class DelayOp(int source, int destination, int delay) : RenderOp
{
    private float[] _src = [], _dst = [];
    public DelayLine Line { get; } = new(delay);
    public override IEnumerable<int> Reads => [source];
    public override IEnumerable<int> Writes => [destination];
    public override void Bind(Func<int, float[]> buffer) => (_src, _dst) = (buffer(source), buffer(destination));
    public override void Run(int frames, RenderClock clock) => Line.Process(_src.AsSpan(0, frames), _dst.AsSpan(0, frames), add: false);
}

/// <summary>Runs one plugin node; contains its failures (bypass, never an exception out of the audio thread).</summary>
internal sealed class ProcessNodeOp : RenderOp
{
    private readonly int[] _inputIds;
    private readonly int[] _outputIds;
    private readonly float[][] _inputs;
    private readonly float[][] _outputs;
    private readonly DelayLine[] _bypassDelays;
    private readonly int[] _bypassSource;

    private readonly float[] _bypassScratch;

    public ProcessNodeOp(CompiledNode node, int[] inputIds, int[] outputIds, int maxBlockSize)
    {
        _bypassScratch = new float[maxBlockSize];
        Node = node;
        _inputIds = inputIds;
        _outputIds = outputIds;
        _inputs = new float[inputIds.Length][];
        _outputs = new float[outputIds.Length][];
        // Bypass keeps timing: each output channel replays an input channel delayed by the plugin's latency, fed every
        // block so it is ready the moment the plugin fails.
        _bypassDelays = new DelayLine[outputIds.Length];
        _bypassSource = new int[outputIds.Length];
        for (var c = 0; c < outputIds.Length; c++)
        {
            _bypassDelays[c] = new DelayLine(node.LatencySamples);
            _bypassSource[c] = node.Layout.InputChannelCount == 0 ? -1 : c % node.Layout.InputChannelCount;
        }
    }

    public CompiledNode Node { get; }
    public override IEnumerable<int> Reads => _inputIds;
    public override IEnumerable<int> Writes => _outputIds;

    public override void Bind(Func<int, float[]> buffer)
    {
        for (var i = 0; i < _inputIds.Length; i++)
        {
            _inputs[i] = buffer(_inputIds[i]);
        }
        for (var i = 0; i < _outputIds.Length; i++)
        {
            _outputs[i] = buffer(_outputIds[i]);
        }
    }

    public override void Run(int frames, RenderClock clock)
    {
        var node = Node;
        if (!node.IsBypassed)
        {
            var inputEnd = clock.InputEnd < 0 ? -1 : clock.InputEnd + node.InputLatencySamples;
            var context = new ProcessContext(frames, clock.Position, _inputs, _outputs, node.ParameterValues, node.ResultSink, inputEnd);
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                if (node.Instance.Process(in context) == ProcessStatus.Error)
                {
                    node.Fail(null);
                }
            }
            catch (Exception e)
            {
                node.Fail(e);
            }
            var ticks = System.Diagnostics.Stopwatch.GetTimestamp() - start;
            node.AddProcessTicks(ticks);
            node.Health.AccountTime(ticks, frames);
            if (!node.IsBypassed)
            {
                node.Health.ReplaceNonFinite(_outputs, frames, clock.Position);
            }
        }
        for (var c = 0; c < _outputs.Length; c++)
        {
            var input = _inputs[_bypassSource[c]].AsSpan(0, frames);
            var destination = node.IsBypassed ? _outputs[c].AsSpan(0, frames) : _bypassScratch.AsSpan(0, frames);
            _bypassDelays[c].Process(input, destination, add: false);
        }
    }

    public void ResetBypass()
    {
        foreach (var d in _bypassDelays)
        {
            d.Clear();
        }
    }
}
