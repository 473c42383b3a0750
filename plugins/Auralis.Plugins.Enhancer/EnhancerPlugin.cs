using Auralis.Sdk;

namespace Auralis.Plugins.Enhancer;

/// <summary>
/// Adaptive mastering driven by a track's fingerprint. Per sample, in order:
/// <list type="number">
/// <item>spectral balance: seven band filters move the measured band energy fractions toward a reference curve;</item>
/// <item>loudness normalisation: a static gain takes the measured BS.1770 loudness (corrected for what the balance
/// filters add) to the target;</item>
/// <item>dynamics: a gentle leveler pivoting at the target loudness (K-weighted detector, ~0.4 s), whose ratio grows
/// with the measured crest factor (1:1 at 10 dB crest, 2:1 from 20 dB), cutting at most 6 dB and lifting at most 3 dB;</item>
/// <item>a true-peak limiter: look-ahead gain that keeps 4×-oversampled peaks under the ceiling.</item>
/// </list>
/// The fingerprint reaches the plugin as plain parameters (<c>measured_*</c>) that the host sets from its analysis of
/// the whole track, so a stream processed in pieces gets the same gains everywhere. All state advances per sample:
/// the output does not depend on the block size. Latency: the limiter's look-ahead plus the interpolator's delay.
/// </summary>
public sealed class EnhancerPlugin : IAudioPlugin
{
    internal const int TargetLufs = 0, CeilingDbtp = 1, BalanceAmount = 2, DynamicsAmount = 3, MeasuredLufs = 4, MeasuredCrestDb = 5,
        FirstBand = 6;

    internal const double MaxBoostDb = 20, MaxCutDb = -30;
    internal const double LevelerMaxCutDb = 6, LevelerMaxLiftDb = 3, LevelerGateLu = 20;
    internal const double DetectorSeconds = 0.4, AttackSeconds = 0.05, ReleaseSeconds = 0.3;
    internal const double LookaheadSeconds = 0.0025, LimiterReleaseSeconds = 0.08;

    // The limiter aims this far under the ceiling: 4× oversampling reads a peak that falls between its points up to
    // 0.17 dB low at a quarter of the sample rate (more only for near-Nyquist content, which music barely has), and
    // meters with other interpolators (ffmpeg resamples to 192 kHz) must also read at most the ceiling.
    internal const double CeilingMarginDb = 0.25;

    private static readonly PluginDescriptor Facts = new(
        id: "org.auralis.enhancer",
        name: "Auralis Enhancer",
        vendor: "Auralis",
        version: new SemanticVersion(1, 0, 0),
        kind: PluginKind.Processor,
        layouts: [AudioLayout.Stereo, AudioLayout.Mono],
        parameters:
        [
            new ParameterInfo("target_lufs", "Target loudness", -30f, -6f, -14f, "LUFS"),
            new ParameterInfo("ceiling_dbtp", "True-peak ceiling", -9f, 0f, -1f, "dBTP"),
            new ParameterInfo("balance_amount", "Spectral balance", 0f, 1f, 0.5f),
            new ParameterInfo("dynamics_amount", "Dynamics control", 0f, 1f, 1f),
            new ParameterInfo("measured_lufs", "Measured loudness", -70f, 0f, -14f, "LUFS"),
            new ParameterInfo("measured_crest_db", "Measured crest factor", 0f, 40f, 10f, "dB"),
            .. SpectralBalance.Bands.Select((b, i) => new ParameterInfo("measured_" + b, $"Measured {b.Replace('_', ' ')} fraction", 0f, 1f,
                SpectralBalance.Reference[i])),
        ]);

    private readonly float[] _applied = new float[Facts.Parameters.Count];
    private readonly double[] _bandGainsDb = new double[SpectralBalance.Bands.Length];
    private int _channels;
    private double _sampleRate;

    // Per channel: balance filters, K-weighting for the detector, true-peak detector, look-ahead delay; scratch.
    private Biquad[][] _balance = [];
    private Biquad[] _kShelf = [], _kHighPass = [];
    private TruePeakDetector[] _peaks = [];
    private SampleDelay[] _delays = [];
    private float[] _stage = [];
    private SlidingMinimum _hold = new(1);
    private MovingAverage _smooth = new(1, 1f);

    // Settings derived from the parameters.
    private double _staticGain = 1, _pivotLufs = -14, _slope, _ceiling = 1;

    // Running state.
    private double _meanSquare, _levelerDb, _limiterEnvelope = 1;
    private bool _fresh = true;
    private double _detectorCoef, _attackCoef, _releaseCoef, _limiterReleaseCoef;
    private int _latency;

    /// <inheritdoc />
    public PluginDescriptor Descriptor => Facts;

    /// <inheritdoc />
    public int LatencySamples => _latency;

    /// <inheritdoc />
    public int TailSamples => 0;

    /// <summary>The static gain in force (dB), for tests and reports.</summary>
    internal double StaticGainDb => 20 * Math.Log10(_staticGain);

    /// <summary>The balance filter gains in force (dB), for tests and reports.</summary>
    internal IReadOnlyList<double> BandGainsDb => _bandGainsDb;

    /// <inheritdoc />
    public void Initialize(AudioSetup setup)
    {
        _channels = setup.Layout.InputChannelCount;
        _sampleRate = setup.SampleRate;
        _balance = new Biquad[_channels][];
        for (var c = 0; c < _channels; c++)
        {
            _balance[c] = new Biquad[SpectralBalance.Bands.Length];
        }
        _kShelf = new Biquad[_channels];
        _kHighPass = new Biquad[_channels];
        _peaks = new TruePeakDetector[_channels];
        _stage = new float[_channels];
        var lookahead = Math.Max(8, (int)Math.Round(LookaheadSeconds * setup.SampleRate));
        // The hold spans the look-ahead plus the interpolator's reach, so every sample near a peak (whose values the
        // interpolated peak is made of) is already turned down, not just the peak's own sample.
        _hold = new SlidingMinimum(lookahead + TruePeakDetector.TapsPerPhase);
        _smooth = new MovingAverage(lookahead, 1f);
        _latency = TruePeakDetector.Delay + lookahead - 1 + (TruePeakDetector.TapsPerPhase / 2);
        _delays = new SampleDelay[_channels];
        for (var c = 0; c < _channels; c++)
        {
            _kShelf[c] = Biquad.KWeightingShelf(setup.SampleRate);
            _kHighPass[c] = Biquad.KWeightingHighPass(setup.SampleRate);
            _peaks[c] = new TruePeakDetector();
            _delays[c] = new SampleDelay(_latency);
        }
        _detectorCoef = OnePole(DetectorSeconds);
        _attackCoef = OnePole(AttackSeconds);
        _releaseCoef = OnePole(ReleaseSeconds);
        _limiterReleaseCoef = Math.Exp(-1 / (LimiterReleaseSeconds * setup.SampleRate));
        Array.Fill(_applied, float.NaN);
        Reset();
    }

    /// <inheritdoc />
    public void Reset()
    {
        for (var c = 0; c < _channels; c++)
        {
            for (var b = 0; b < _balance[c].Length; b++)
            {
                _balance[c][b].Clear();
            }
            _kShelf[c].Clear();
            _kHighPass[c].Clear();
            _peaks[c].Clear();
            _delays[c].Clear();
        }
        _hold.Clear();
        _smooth.Fill(1f);
        _levelerDb = 0;
        _limiterEnvelope = 1;
        _fresh = true;
    }

    /// <inheritdoc />
    public ProcessStatus Process(in ProcessContext context)
    {
        Apply(context.Parameters);
        if (_fresh)
        {
            // Start as if the music so far sat at the pivot: no lift while the detector fills at the start of a stream.
            _meanSquare = Math.Pow(10, (_pivotLufs + 0.691) / 10);
            _fresh = false;
        }
        var frames = context.FrameCount;
        var channels = _channels;
        for (var i = 0; i < frames; i++)
        {
            // 1–2. Balance and normalise; K-weighted power for the leveler's detector.
            var power = 0.0;
            for (var c = 0; c < channels; c++)
            {
                double v = context.Input(c)[i];
                if (!double.IsFinite(v))
                {
                    v = 0; // a NaN or infinity would poison every filter and envelope for good: treat it as silence
                }
                var filters = _balance[c];
                for (var b = 0; b < filters.Length; b++)
                {
                    v = filters[b].Process(v);
                }
                v *= _staticGain;
                _stage[c] = (float)v;
                var k = _kHighPass[c].Process(_kShelf[c].Process(v));
                power += k * k;
            }

            // 3. Leveler: gain toward the pivot, smoothed (faster down than up).
            _meanSquare += (power - _meanSquare) * _detectorCoef;
            var level = -0.691 + (10 * Math.Log10(_meanSquare + 1e-20));
            var wanted = LevelerGainDb(level);
            _levelerDb += (wanted - _levelerDb) * (wanted < _levelerDb ? _attackCoef : _releaseCoef);
            var leveler = Math.Exp(_levelerDb * (Math.Log(10) / 20));

            // 4. True-peak limiter: the gain needed now, held over the look-ahead, released slowly, then averaged over
            // the look-ahead so it has fully arrived when the delayed peak does.
            var peak = 0f;
            for (var c = 0; c < channels; c++)
            {
                var s = (float)(_stage[c] * leveler);
                _stage[c] = s;
                peak = MathF.Max(peak, _peaks[c].Push(s));
            }
            var needed = peak > _ceiling ? (float)(_ceiling / peak) : 1f;
            var held = _hold.Push(needed);
            _limiterEnvelope = Math.Min(held, 1 - ((1 - _limiterEnvelope) * _limiterReleaseCoef));
            var gain = _smooth.Push((float)_limiterEnvelope);
            for (var c = 0; c < channels; c++)
            {
                context.Output(c)[i] = _delays[c].Push(_stage[c]) * gain;
            }
        }
        return ProcessStatus.Normal;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    // Downward above the pivot, gently upward below it (fading out toward the gate, so silence and fades stay quiet).
    private double LevelerGainDb(double level)
    {
        var delta = level - _pivotLufs;
        if (delta >= 0)
        {
            return Math.Max(-LevelerMaxCutDb, -_slope * delta);
        }
        if (delta <= -LevelerGateLu)
        {
            return 0;
        }
        var fade = Math.Clamp((delta + LevelerGateLu) / 5, 0, 1);
        return Math.Min(LevelerMaxLiftDb, -_slope * delta) * fade;
    }

    private double OnePole(double seconds) => 1 - Math.Exp(-1 / (seconds * _sampleRate));

    // Recomputes the derived settings when a parameter changed (between blocks; no allocation).
    private void Apply(ReadOnlySpan<float> p)
    {
        if (p.SequenceEqual(_applied))
        {
            return;
        }
        p.CopyTo(_applied);
        SpectralBalance.Gains(p.Slice(FirstBand, SpectralBalance.Bands.Length), p[BalanceAmount], _bandGainsDb);
        for (var b = 0; b < _bandGainsDb.Length; b++)
        {
            var design = SpectralBalance.Filter(b, _bandGainsDb[b], _sampleRate);
            for (var c = 0; c < _channels; c++)
            {
                _balance[c][b].SetCoefficients(design);
            }
        }
        var gainDb = Math.Clamp(p[TargetLufs] - p[MeasuredLufs] - BalanceLoudnessChangeDb(p.Slice(FirstBand, SpectralBalance.Bands.Length)),
            MaxCutDb, MaxBoostDb);
        _staticGain = Math.Pow(10, gainDb / 20);
        _pivotLufs = p[TargetLufs];
        var ratio = 1 + (p[DynamicsAmount] * Math.Clamp((p[MeasuredCrestDb] - 10) / 10, 0, 1));
        _slope = 1 - (1 / ratio);
        _ceiling = Math.Pow(10, (p[CeilingDbtp] - CeilingMarginDb) / 20);
    }

    // How much louder (BS.1770) the balance filters make a track with these band fractions: each band's share of the
    // K-weighted power, scaled by the filters' power gain at its centre.
    private double BalanceLoudnessChangeDb(ReadOnlySpan<float> fractions)
    {
        var shelf = Biquad.KWeightingShelf(_sampleRate);
        var highPass = Biquad.KWeightingHighPass(_sampleRate);
        double before = 0, after = 0;
        for (var b = 0; b < fractions.Length; b++)
        {
            var f = SpectralBalance.Centre(b);
            if (f >= 0.5 * _sampleRate)
            {
                continue;
            }
            var weighted = Math.Max(0, fractions[b]) * shelf.PowerGainAt(f, _sampleRate) * highPass.PowerGainAt(f, _sampleRate);
            var filters = 1.0;
            foreach (var bq in _balance[0])
            {
                filters *= bq.PowerGainAt(f, _sampleRate);
            }
            before += weighted;
            after += weighted * filters;
        }
        return before > 0 && after > 0 ? 10 * Math.Log10(after / before) : 0;
    }
}
