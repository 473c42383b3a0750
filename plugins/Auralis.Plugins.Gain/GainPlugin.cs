using Auralis.Sdk;

namespace Auralis.Plugins.Gain;

/// <summary>
/// Gain in decibels, smoothed per sample over 10 ms so automation never clicks. The simplest real processor: it
/// exercises the whole host (loading, graphs, parameters, files, realtime) before any heavy DSP.
/// </summary>
public sealed class GainPlugin : IAudioPlugin
{
    private const double RampSeconds = 0.010;

    private static readonly PluginDescriptor Facts = new(
        id: "org.auralis.gain",
        name: "Auralis Gain",
        vendor: "Auralis",
        version: new SemanticVersion(1, 0, 0),
        kind: PluginKind.Processor,
        layouts: [AudioLayout.Stereo, AudioLayout.Mono],
        parameters: [new ParameterInfo("gain_db", "Gain", -60f, 24f, 0f, "dB")]);

    private int _rampLength;
    private double _current = 1.0; // linear gain now
    private double _step;          // change per sample while ramping
    private int _rampLeft;
    private float _target = float.NaN;
    private double _targetLinear = 1.0;

    /// <inheritdoc />
    public PluginDescriptor Descriptor => Facts;

    /// <inheritdoc />
    public int LatencySamples => 0;

    /// <inheritdoc />
    public int TailSamples => 0;

    /// <inheritdoc />
    public void Initialize(AudioSetup setup) => _rampLength = Math.Max(1, (int)Math.Round(setup.SampleRate * RampSeconds));

    /// <inheritdoc />
    public void Reset()
    {
        _target = float.NaN; // the first block jumps straight to its value: no fade-in from an arbitrary gain
        _rampLeft = 0;
    }

    /// <inheritdoc />
    public ProcessStatus Process(in ProcessContext context)
    {
        var gainDb = context.Parameters[0];
        if (gainDb != _target)
        {
            var linear = _targetLinear = Math.Pow(10, gainDb / 20.0);
            if (float.IsNaN(_target))
            {
                _current = linear;
                _rampLeft = 0;
            }
            else
            {
                _step = (linear - _current) / _rampLength;
                _rampLeft = _rampLength;
            }
            _target = gainDb;
        }
        var frames = context.FrameCount;
        var start = _current;
        var rampLeft = _rampLeft;
        for (var c = 0; c < context.OutputChannelCount; c++)
        {
            var input = context.Input(Math.Min(c, context.InputChannelCount - 1));
            var output = context.Output(c);
            var g = start;
            var left = rampLeft;
            for (var i = 0; i < frames; i++)
            {
                if (left > 0)
                {
                    g += _step;
                    left--;
                }
                var x = input[i];
                // NaN or infinity in must not become NaN out: treat it as silence.
                output[i] = float.IsFinite(x) ? (float)(x * g) : 0f;
            }
            _current = g;
            _rampLeft = left;
        }
        if (_rampLeft == 0)
        {
            _current = _targetLinear; // land exactly, without accumulated rounding
        }
        return ProcessStatus.Normal;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
