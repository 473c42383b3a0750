using Auralis.Dsp.Loudness;
using Auralis.Sdk;

namespace Auralis.Plugins.Loudness;

/// <summary>
/// ITU-R BS.1770-4 / EBU R 128 loudness (<see cref="LoudnessMeter"/>): every 100 ms the momentary (400 ms) and
/// short-term (3 s) loudness, framed at the centre of the momentary block; as a summary the gated integrated loudness,
/// the loudness range (EBU Tech 3342), the true peak (4× oversampling) and the sample peak. Values below −120 (digital
/// silence) are reported as −120.
/// </summary>
public sealed class LoudnessPlugin : IAudioPlugin, IStepObserver
{
    /// <summary>What silence reports instead of −∞.</summary>
    public const double Silence = -120;

    private static readonly PluginDescriptor Facts = new(
        "org.auralis.loudness", "Auralis Loudness (BS.1770)", "Auralis", new SemanticVersion(1, 0, 0), PluginKind.Analyzer,
        [AudioLayout.StereoAnalysis, AudioLayout.MonoAnalysis], [],
        [
            new ResultInfo("momentary_lufs", "Momentary loudness", ResultScope.Frame, ResultKind.Scalar, 1, "LUFS"),
            new ResultInfo("short_term_lufs", "Short-term loudness", ResultScope.Frame, ResultKind.Scalar, 1, "LUFS"),
            new ResultInfo("integrated_lufs", "Integrated loudness", ResultScope.Summary, ResultKind.Scalar, 1, "LUFS"),
            new ResultInfo("loudness_range_lu", "Loudness range", ResultScope.Summary, ResultKind.Scalar, 1, "LU"),
            new ResultInfo("true_peak_dbtp", "True peak", ResultScope.Summary, ResultKind.Scalar, 1, "dBTP"),
            new ResultInfo("sample_peak_dbfs", "Sample peak", ResultScope.Summary, ResultKind.Scalar, 1, "dBFS"),
        ]);

    private readonly float[] _frame = new float[2];
    private LoudnessMeter? _meter;
    private IResultSink _sink = null!;
    private int _halfBlock;

    /// <inheritdoc />
    public PluginDescriptor Descriptor => Facts;

    /// <inheritdoc />
    public int LatencySamples => 0;

    /// <inheritdoc />
    public int TailSamples => 0;

    /// <inheritdoc />
    public void Initialize(AudioSetup setup)
    {
        _meter = new LoudnessMeter(setup.SampleRate, setup.Layout.InputChannelCount,
            setup.Mode == ProcessMode.Offline ? setup.ExpectedLength : -1);
        _halfBlock = (int)Math.Round(setup.SampleRate * 0.2);
    }

    /// <inheritdoc />
    public void Reset() => _meter!.Reset();

    /// <inheritdoc />
    public ProcessStatus Process(in ProcessContext context)
    {
        var n = context.FrameCount;
        if (context.InputEnd >= 0)
        {
            // The host's flush silence is not part of the programme.
            n = (int)Math.Clamp(context.InputEnd - context.Position, 0, n);
        }
        if (n > 0)
        {
            _sink = context.Results;
            var left = context.Input(0)[..n];
            var right = context.InputChannelCount > 1 ? context.Input(1)[..n] : [];
            _meter!.Process(left, right, this, context.Position);
        }
        return ProcessStatus.Normal;
    }

    /// <inheritdoc />
    public void OnStep(LoudnessMeter meter, long position)
    {
        if (meter.Steps < 4)
        {
            return; // no full 400 ms block yet
        }
        _frame[0] = (float)Math.Max(Silence, meter.Momentary);
        _frame[1] = (float)Math.Max(Silence, meter.ShortTerm);
        _sink.WriteFrame(position - _halfBlock, _frame);
    }

    /// <inheritdoc />
    public void Summarize(ISummarySink sink)
    {
        var meter = _meter!;
        sink.Write("integrated_lufs", Math.Round(meter.Integrated(), 3));
        sink.Write("loudness_range_lu", Math.Round(meter.LoudnessRange(), 2));
        sink.Write("true_peak_dbtp", Math.Round(Math.Max(Silence, meter.TruePeakDb), 3));
        sink.Write("sample_peak_dbfs", Math.Round(meter.SamplePeak > 0 ? Math.Max(Silence, 20 * Math.Log10(meter.SamplePeak)) : Silence, 3));
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
