using Auralis.Dsp;
using Auralis.Dsp.Pitch;
using Auralis.Sdk;

namespace Auralis.Plugins.Pitch;

/// <summary>
/// Fundamental frequency by YIN on the mono sum: per frame (2048 samples, hop 512 at 44.1/48 kHz; scaled with the
/// rate so the lowest pitch stays reachable) the frequency (0 when unvoiced), the confidence 1 − d′ and a voiced flag;
/// as a summary the median frequency of the voiced frames and the voiced fraction.
/// </summary>
public sealed class PitchPlugin : IAudioPlugin
{
    private static readonly PluginDescriptor Facts = new(
        "org.auralis.pitch", "Auralis Pitch (YIN)", "Auralis", new SemanticVersion(1, 0, 0), PluginKind.Analyzer,
        [AudioLayout.StereoAnalysis, AudioLayout.MonoAnalysis],
        [
            new ParameterInfo("threshold", "YIN threshold", 0.01f, 0.5f, 0.15f),
            new ParameterInfo("fmin_hz", "Lowest pitch", 20f, 1000f, 50f, "Hz", scale: ParameterScale.Logarithmic),
            new ParameterInfo("fmax_hz", "Highest pitch", 100f, 5000f, 2000f, "Hz", scale: ParameterScale.Logarithmic),
        ],
        [
            new ResultInfo("hz", "Pitch", ResultScope.Frame, ResultKind.Scalar, 1, "Hz"),
            new ResultInfo("confidence", "Confidence", ResultScope.Frame, ResultKind.Scalar),
            new ResultInfo("voiced", "Voiced", ResultScope.Frame, ResultKind.Scalar),
            new ResultInfo("median_hz", "Median pitch of voiced frames", ResultScope.Summary, ResultKind.Scalar, 1, "Hz"),
            new ResultInfo("voiced_fraction", "Fraction of frames voiced", ResultScope.Summary, ResultKind.Scalar),
        ]);

    private readonly Frames _frames = new();
    private MonoFramer? _framer;

    /// <inheritdoc />
    public PluginDescriptor Descriptor => Facts;

    /// <inheritdoc />
    public int LatencySamples => 0;

    /// <inheritdoc />
    public int TailSamples => _framer?.TailSamples ?? 0;

    /// <inheritdoc />
    public void Initialize(AudioSetup setup)
    {
        var size = FrameSizeFor(setup.SampleRate);
        _framer = new MonoFramer(size, size / 4, setup.MaxBlockSize);
        _frames.Initialize(new Yin(size, setup.SampleRate), setup, size / 4);
    }

    /// <summary>2048 samples up to 50 kHz, doubling per octave of sample rate above (W = half of it bounds the lowest pitch).</summary>
    public static int FrameSizeFor(double sampleRate) => sampleRate <= 50000 ? 2048 : sampleRate <= 100000 ? 4096 : 8192;

    /// <inheritdoc />
    public void Reset()
    {
        _framer!.Reset();
        _frames.Reset();
    }

    /// <inheritdoc />
    public ProcessStatus Process(in ProcessContext context)
    {
        _frames.Begin(context);
        _framer!.Push(context, _frames);
        return ProcessStatus.Normal;
    }

    /// <inheritdoc />
    public void Summarize(ISummarySink sink)
    {
        var voiced = _frames.VoicedPitches();
        Array.Sort(voiced);
        var median = voiced.Length == 0 ? 0 : voiced.Length % 2 == 1
            ? voiced[voiced.Length / 2]
            : 0.5 * (voiced[voiced.Length / 2 - 1] + voiced[voiced.Length / 2]);
        sink.Write("median_hz", median);
        sink.Write("voiced_fraction", _frames.Count == 0 ? 0 : voiced.Length / (double)_frames.Count);
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>Estimates each frame, publishes it and keeps the voiced pitches for the summary.</summary>
    private sealed class Frames : IFrameConsumer
    {
        private readonly float[] _values = new float[3];
        private Yin? _yin;
        private float[] _history = [];   // voiced pitch per frame (0 when unvoiced); a ring in realtime
        private long _count;
        private IResultSink _sink = null!;
        private float _threshold, _min, _max;

        public long Count => Math.Min(_count, _history.Length);

        public void Initialize(Yin yin, AudioSetup setup, int hop)
        {
            _yin = yin;
            // Offline: room for every frame of the file. Realtime (or unknown length): the last ~6 minutes.
            var frames = setup.Mode == ProcessMode.Offline && setup.ExpectedLength > 0
                ? setup.ExpectedLength / hop + 4
                : (long)(setup.SampleRate * 360 / hop);
            _history = new float[Math.Min(frames, 1 << 24)];
        }

        public void Reset() => _count = 0;

        public void Begin(in ProcessContext context)
        {
            _sink = context.Results;
            _threshold = context.Parameters[0];
            _min = context.Parameters[1];
            _max = Math.Max(context.Parameters[2], _min);
        }

        public void OnFrame(ReadOnlySpan<float> frame, long centre)
        {
            var estimate = _yin!.Estimate(frame, _threshold, _min, _max);
            _values[0] = estimate.Hz;
            _values[1] = estimate.Confidence;
            _values[2] = estimate.Voiced ? 1f : 0f;
            _sink.WriteFrame(centre, _values);
            _history[_count % _history.Length] = estimate.Hz;
            _count++;
        }

        public double[] VoicedPitches()
        {
            var n = (int)Count;
            var list = new List<double>(n);
            for (var i = 0; i < n; i++)
            {
                if (_history[i] > 0)
                {
                    list.Add(_history[i]);
                }
            }
            return [.. list];
        }
    }
}
