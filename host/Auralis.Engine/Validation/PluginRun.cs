using Auralis.Engine.Plugins;
using Auralis.Sdk;

namespace Auralis.Engine.Validation;

/// <summary>What one run of a plugin over a signal produced: audio (processors) and frames (analyzers).</summary>
internal sealed class Rendering
{
    public required float[][] Audio { get; init; }
    public required List<(long Time, float[] Values)> Frames { get; init; }
    public ProcessStatus WorstStatus { get; set; }

    /// <summary>The first difference from <paramref name="other"/>, or null when identical to the bit.</summary>
    public string? FirstDifference(Rendering other)
    {
        for (var c = 0; c < Audio.Length; c++)
        {
            var a = Audio[c];
            var b = other.Audio[c];
            if (a.Length != b.Length)
            {
                return $"channel {c}: {a.Length} vs {b.Length} samples";
            }
            for (var i = 0; i < a.Length; i++)
            {
                if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i]))
                {
                    return $"channel {c} sample {i}: {a[i]:R} vs {b[i]:R}";
                }
            }
        }
        if (Frames.Count != other.Frames.Count)
        {
            return $"{Frames.Count} vs {other.Frames.Count} result frames";
        }
        for (var f = 0; f < Frames.Count; f++)
        {
            if (Frames[f].Time != other.Frames[f].Time)
            {
                return $"result frame {f}: time {Frames[f].Time} vs {other.Frames[f].Time}";
            }
            if (!Frames[f].Values.AsSpan().SequenceEqual(other.Frames[f].Values))
            {
                return $"result frame {f} (t={Frames[f].Time}): values differ";
            }
        }
        return null;
    }

    /// <summary>The first non-finite output sample or frame value, or null.</summary>
    public string? FirstNonFinite()
    {
        for (var c = 0; c < Audio.Length; c++)
        {
            var i = Array.FindIndex(Audio[c], x => !float.IsFinite(x));
            if (i >= 0)
            {
                return $"output channel {c} sample {i} is {Audio[c][i]}";
            }
        }
        foreach (var (time, values) in Frames)
        {
            if (values.Any(v => !float.IsFinite(v)))
            {
                return $"result frame at sample {time} has a non-finite value";
            }
        }
        return null;
    }
}

/// <summary>Records frames; preallocated so it never allocates on the processing thread until it is full.</summary>
internal sealed class RecordingSink(int width, int capacity) : IResultSink
{
    private readonly float[] _values = new float[Math.Max(1, width) * capacity];
    private readonly long[] _times = new long[capacity];
    public int Count { get; private set; }
    public string? Problem { get; private set; }

    public void WriteFrame(long centreSample, ReadOnlySpan<float> values)
    {
        if (values.Length != width)
        {
            Problem ??= $"a frame carried {values.Length} values; the descriptor declares {width}";
            return;
        }
        if (Count == _times.Length)
        {
            Problem ??= $"more than {_times.Length} frames for the signal";
            return;
        }
        _times[Count] = centreSample;
        values.CopyTo(_values.AsSpan(Count * width));
        Count++;
    }

    public List<(long, float[])> ToList() =>
        Enumerable.Range(0, Count).Select(i => (_times[i], _values.AsSpan(i * width, width).ToArray())).ToList();

    public void Clear() => Count = 0;
}

/// <summary>Drives one plugin instance through a signal the way a host does, checking the contract on the way.</summary>
internal sealed class PluginRun : IDisposable
{
    private readonly float[][] _in;
    private readonly float[][] _out;

    public PluginRun(LoadedPlugin plugin, AudioLayout layout, double sampleRate, int maxBlock, float[]? parameters = null, long expectedLength = -1)
    {
        Descriptor = plugin.Descriptor;
        Layout = layout;
        SampleRate = sampleRate;
        MaxBlock = maxBlock;
        Instance = plugin.CreateInstance();
        Instance.Initialize(new AudioSetup(layout, sampleRate, maxBlock, ProcessMode.Offline, expectedLength));
        Instance.Reset();
        Parameters = parameters ?? Descriptor.Parameters.Select(p => p.Default).ToArray();
        _in = Enumerable.Range(0, layout.InputChannelCount).Select(_ => new float[maxBlock]).ToArray();
        _out = Enumerable.Range(0, layout.OutputChannelCount).Select(_ => new float[maxBlock]).ToArray();
    }

    public IAudioPlugin Instance { get; }
    public PluginDescriptor Descriptor { get; }
    public AudioLayout Layout { get; }
    public double SampleRate { get; }
    public int MaxBlock { get; }
    public float[] Parameters { get; }
    public long Position { get; private set; }

    public void Reset()
    {
        Instance.Reset();
        Position = 0;
    }

    /// <summary>
    /// Processes <paramref name="input"/> (per input channel) in blocks chosen by <paramref name="nextBlock"/>, then
    /// <paramref name="flush"/> frames of silence (with InputEnd set; -1: the plugin's latency + tail, at most 10 s),
    /// returning everything produced.
    /// <paramref name="beforeBlock"/> may change parameters between blocks.
    /// </summary>
    public Rendering Render(float[][] input, Func<int, int> nextBlock, int flush = 0, Action<int, float[]>? beforeBlock = null)
    {
        var length = input[0].Length;
        if (flush < 0)
        {
            flush = (int)Math.Min((long)Instance.LatencySamples + Instance.TailSamples, (long)(SampleRate * 10));
        }
        var total = length + flush;
        var audio = Enumerable.Range(0, _out.Length).Select(_ => new float[total]).ToArray();
        var sink = new RecordingSink(Descriptor.FrameResultWidth, (int)Math.Min(1_000_000, total / 8 + 64));
        var worst = ProcessStatus.Normal;
        var at = 0;
        var block = 0;
        while (at < total)
        {
            var n = Math.Clamp(nextBlock(block), 1, MaxBlock);
            n = Math.Min(n, total - at);
            for (var c = 0; c < _in.Length; c++)
            {
                var src = input[Math.Min(c, input.Length - 1)];
                for (var i = 0; i < n; i++)
                {
                    var k = at + i;
                    _in[c][i] = k < length ? src[k] : 0f;
                }
            }
            beforeBlock?.Invoke(block, Parameters);
            var status = ProcessBlock(n, at >= length ? length : -1, sink);
            if (status > worst)
            {
                worst = status;
            }
            for (var c = 0; c < _out.Length; c++)
            {
                _out[c].AsSpan(0, n).CopyTo(audio[c].AsSpan(at));
            }
            at += n;
            block++;
        }
        if (sink.Problem is { } problem)
        {
            throw new ValidationFailure(problem);
        }
        return new Rendering { Audio = audio, Frames = sink.ToList(), WorstStatus = worst };
    }

    /// <summary>One block from the preallocated buffers (callers fill <see cref="InputBuffer"/> first).</summary>
    public ProcessStatus ProcessBlock(int frames, long inputEnd, IResultSink sink)
    {
        var context = new ProcessContext(frames, Position, _in, _out, Parameters, sink, inputEnd);
        var status = Instance.Process(in context);
        Position += frames;
        return status;
    }

    public float[] InputBuffer(int channel) => _in[channel];

    public void Dispose() => Instance.Dispose();
}

/// <summary>A check failed for a reason the check states.</summary>
internal sealed class ValidationFailure(string message) : Exception(message);
