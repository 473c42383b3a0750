using Auralis.Dsp;
using Auralis.Dsp.Rhythm;
using Auralis.Sdk;

namespace Auralis.Plugins.Tempo;

/// <summary>
/// Tempo and beats: the log-mel spectral-flux onset envelope (<see cref="OnsetStrength"/>, 2048-sample frames every 512
/// at 44.1/48 kHz), the tempo from its autocorrelation with a log-normal prior around 125 BPM (<see cref="TempoEstimator"/>)
/// and beat times by dynamic programming (<see cref="BeatTracker"/>). Frames: the onset strength and a running tempo
/// (over the last 12 s, refreshed every second; 0 until 4 s have passed). Summary: bpm, confidence and beat times (s)
/// over the whole stream (a live stream: its last 10 minutes).
/// </summary>
public sealed class TempoPlugin : IAudioPlugin
{
    private static readonly PluginDescriptor Facts = new(
        "org.auralis.tempo", "Auralis Tempo", "Auralis", new SemanticVersion(1, 0, 0), PluginKind.Analyzer,
        [AudioLayout.StereoAnalysis, AudioLayout.MonoAnalysis], [],
        [
            new ResultInfo("onset_strength", "Onset strength", ResultScope.Frame, ResultKind.Scalar, 1, "dB"),
            new ResultInfo("running_bpm", "Running tempo", ResultScope.Frame, ResultKind.Scalar, 1, "BPM"),
            new ResultInfo("bpm", "Tempo", ResultScope.Summary, ResultKind.Scalar, 1, "BPM"),
            new ResultInfo("confidence", "Tempo confidence", ResultScope.Summary, ResultKind.Scalar),
            new ResultInfo("beats", "Beat times", ResultScope.Summary, ResultKind.Series, 0, "s"),
        ]);

    private readonly Frames _frames = new();
    private MonoFramer? _framer;

    /// <inheritdoc />
    public PluginDescriptor Descriptor => Facts;

    /// <inheritdoc />
    public int LatencySamples => 0;

    /// <inheritdoc />
    public int TailSamples => _framer?.TailSamples ?? 0;

    /// <summary>2048 samples up to 50 kHz, doubling per octave of sample rate above; the hop is a quarter of it.</summary>
    public static int FrameSizeFor(double sampleRate) => sampleRate <= 50000 ? 2048 : sampleRate <= 100000 ? 4096 : 8192;

    /// <inheritdoc />
    public void Initialize(AudioSetup setup)
    {
        var size = FrameSizeFor(setup.SampleRate);
        _framer = new MonoFramer(size, size / 4, setup.MaxBlockSize);
        _frames.Initialize(setup, size);
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
        var envelope = _frames.Envelope();
        var fps = _frames.FramesPerSecond;
        var tempo = TempoEstimator.Estimate(envelope, fps, new double[TempoEstimator.ScratchLength(fps)]);
        sink.Write("bpm", Math.Round(tempo.Bpm, 2));
        sink.Write("confidence", Math.Round(tempo.Confidence, 3));
        var first = _frames.FirstFrameIndex;
        var beats = tempo.Bpm > 0 ? BeatTracker.Track(envelope, tempo.PeriodFrames) : [];
        sink.Write("beats", beats.Select(b => Math.Round((first + b) / fps, 4)).ToArray());
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Frames : IFrameConsumer
    {
        private readonly float[] _values = new float[2];
        private OnsetStrength? _onset;
        private float[] _history = [];   // onset strength per frame; a ring when the stream outgrows it
        private RunningTempo? _running;  // over the last 12 s, refreshed every second
        private long _count;

        public IResultSink Sink { get; set; } = null!;

        public double FramesPerSecond { get; private set; }

        public long FirstFrameIndex => Math.Max(0, _count - _history.Length);

        public void Initialize(AudioSetup setup, int size)
        {
            _onset = new OnsetStrength(setup.SampleRate, size);
            FramesPerSecond = setup.SampleRate / (size / 4);
            var frames = setup.Mode == ProcessMode.Offline && setup.ExpectedLength > 0
                ? setup.ExpectedLength / (size / 4) + 4
                : (long)(600 * FramesPerSecond);
            _history = new float[Math.Min(frames, 1 << 24)];
            _running = new RunningTempo(FramesPerSecond);
        }

        public void Reset()
        {
            _onset!.Reset();
            _count = 0;
            _running!.Reset();
        }

        public void OnFrame(ReadOnlySpan<float> frame, long centre)
        {
            var strength = _onset!.Next(frame);
            _history[_count % _history.Length] = strength;
            _count++;
            _running!.Push(strength);
            _values[0] = strength;
            _values[1] = (float)_running.Current.Bpm;
            Sink.WriteFrame(centre, _values);
        }

        public float[] Envelope()
        {
            var n = (int)Math.Min(_count, _history.Length);
            var result = new float[n];
            for (var i = 0; i < n; i++)
            {
                result[i] = _history[(FirstFrameIndex + i) % _history.Length];
            }
            return result;
        }
    }
}
