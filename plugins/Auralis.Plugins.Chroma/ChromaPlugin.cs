using Auralis.Dsp;
using Auralis.Dsp.Chroma;
using Auralis.Sdk;

namespace Auralis.Plugins.Chroma;

/// <summary>
/// A 12-bin chromagram (index 0 = C) of the mono sum: 4096-sample Hann frames every 512 samples (at 44.1/48 kHz;
/// scaled with the rate), power spectrum folded onto pitch classes with running tuning estimation
/// (<see cref="Chromagram"/>), each frame max-normalised to [0, 1]. Summary: the mean chroma over all frames (each
/// normalised frame counts once; silent frames count as zeros) and the tuning in cents.
/// </summary>
public sealed class ChromaPlugin : IAudioPlugin
{
    /// <summary>Pitch-class names, index 0 = C.</summary>
    public static readonly string[] PitchClasses = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];

    private static readonly PluginDescriptor Facts = new(
        "org.auralis.chroma", "Auralis Chroma", "Auralis", new SemanticVersion(1, 0, 0), PluginKind.Analyzer,
        [AudioLayout.StereoAnalysis, AudioLayout.MonoAnalysis], [],
        [
            new ResultInfo("chroma", "Chroma", ResultScope.Frame, ResultKind.Vector, 12, "", PitchClasses),
            new ResultInfo("mean", "Mean chroma", ResultScope.Summary, ResultKind.Vector, 12, "", PitchClasses),
            new ResultInfo("tuning_cents", "Tuning relative to A440", ResultScope.Summary, ResultKind.Scalar, 1, "cents"),
        ]);

    private readonly Frames _frames = new();
    private MonoFramer? _framer;

    /// <inheritdoc />
    public PluginDescriptor Descriptor => Facts;

    /// <inheritdoc />
    public int LatencySamples => 0;

    /// <inheritdoc />
    public int TailSamples => _framer?.TailSamples ?? 0;

    /// <summary>4096 samples up to 50 kHz, doubling per octave of sample rate above; the hop is an eighth of it.</summary>
    public static int FrameSizeFor(double sampleRate) => sampleRate <= 50000 ? 4096 : sampleRate <= 100000 ? 8192 : 16384;

    /// <inheritdoc />
    public void Initialize(AudioSetup setup)
    {
        var size = FrameSizeFor(setup.SampleRate);
        _framer = new MonoFramer(size, size / 8, setup.MaxBlockSize);
        _frames.Initialize(new Spectrum(Windows.Hann(size)), new Chromagram(setup.SampleRate, size));
    }

    /// <inheritdoc />
    public void Reset()
    {
        _framer!.Reset();
        _frames.Reset();
    }

    /// <inheritdoc />
    public ProcessStatus Process(in ProcessContext context)
    {
        _frames.Sink = context.Results;
        _framer!.Push(context, _frames);
        return ProcessStatus.Normal;
    }

    /// <inheritdoc />
    public void Summarize(ISummarySink sink)
    {
        sink.Write("mean", _frames.Mean());
        sink.Write("tuning_cents", Math.Round(_frames.Tuning * 100, 1));
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Frames : IFrameConsumer
    {
        private readonly double[] _sum = new double[12];
        private Spectrum? _spectrum;
        private Chromagram? _chroma;
        private float[] _power = [];
        private long _count;

        public IResultSink Sink { get; set; } = null!;

        public double Tuning => _chroma?.Tuning ?? 0;

        public void Initialize(Spectrum spectrum, Chromagram chroma)
        {
            _spectrum = spectrum;
            _chroma = chroma;
            _power = new float[spectrum.BinCount];
        }

        public void Reset()
        {
            _chroma!.Reset();
            Array.Clear(_sum);
            _count = 0;
        }

        public void OnFrame(ReadOnlySpan<float> frame, long centre)
        {
            _spectrum!.Power(frame, _power);
            _chroma!.Compute(_power);
            var values = _chroma.Values;
            for (var i = 0; i < 12; i++)
            {
                _sum[i] += values[i];
            }
            _count++;
            Sink.WriteFrame(centre, values);
        }

        public double[] Mean() => _sum.Select(s => _count == 0 ? 0 : s / _count).ToArray();
    }
}
