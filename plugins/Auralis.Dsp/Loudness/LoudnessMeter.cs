namespace Auralis.Dsp.Loudness;

/// <summary>
/// ITU-R BS.1770-4 loudness of a mono or stereo stream: K-weighted mean squares in 100 ms steps; momentary loudness over
/// 400 ms blocks (75 % overlap), short-term over 3 s; integrated loudness gated at −70 LUFS absolute and −10 LU relative;
/// loudness range (EBU Tech 3342) from the short-term values; true peak from 4× oversampling. Channel weights are 1 for
/// left and right (and for a mono channel, as ffmpeg's ebur128). Values are in LUFS (dB for true peak); without a single
/// block above the absolute gate (silence, or less than 400 ms) the integrated loudness is −70 LUFS, the gate's floor.
/// Allocation-free after construction.
/// </summary>
public sealed class LoudnessMeter
{
    /// <summary>The loudness reported when nothing passes the absolute gate.</summary>
    public const double Floor = -70;

    private readonly int _channels;
    private readonly int _step;                // samples per 100 ms step
    private readonly KWeighting _weighting;      // both channels at once
    private readonly PolyphaseResampler[] _oversampler;
    private readonly double[] _stepEnergy = new double[30]; // the last 30 steps' Σ_i G_i·Σ z², newest at _stepAt
    private readonly double[] _blocks;          // each complete 400 ms block's mean square (Σ over channels)
    private readonly int[] _shortTermHistogram = new int[RangeBins]; // short-term values above the gate, 0.01 LU bins
    private double _shortTermEnergy;            // Σ of those values' mean squares (the relative gate's mean)
    private long _shortTermCount;
    private int _stepAt;
    private long _steps;
    private long _blockCount;
    private double _current;                    // energy of the step being filled
    private int _inStep;
    private double _truePeak, _samplePeak;

    // Loudness range histogram: 0.01 LU bins from the absolute gate (−70 LUFS) up to +10 LUFS (louder counts as +10).
    private const int RangeBinsPerLu = 100;
    private const int RangeBins = 80 * RangeBinsPerLu + 1;

    /// <summary>Creates a meter.</summary>
    /// <param name="sampleRate">Samples per second.</param>
    /// <param name="channels">1 or 2.</param>
    /// <param name="expectedLength">Total samples when known (sizes the block store); -1 for a live stream, which keeps the
    /// last hour of blocks.</param>
    /// <param name="truePeak">Whether to measure the true peak (4× oversampling, about a third of the meter's own
    /// work); without it <see cref="TruePeakDb"/> stays −∞.</param>
    public LoudnessMeter(double sampleRate, int channels, long expectedLength = -1, bool truePeak = true)
    {
        if (channels is < 1 or > 2)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "mono or stereo");
        }
        _channels = channels;
        _step = (int)Math.Round(sampleRate / 10);
        _weighting = new KWeighting(sampleRate);
        _oversampler = new PolyphaseResampler[truePeak ? channels : 0];
        for (var c = 0; c < _oversampler.Length; c++)
        {
            _oversampler[c] = new PolyphaseResampler(4, 1, 12, 0.9, 8);
        }
        var capacity = expectedLength > 0 ? expectedLength / _step + 8 : 36_000;
        _blocks = new double[Math.Min(capacity, 1 << 26)];
        SampleRate = sampleRate;
    }

    /// <summary>Samples per second.</summary>
    public double SampleRate { get; }

    /// <summary>Samples per 100 ms step.</summary>
    public int StepSamples => _step;

    /// <summary>Completed 100 ms steps.</summary>
    public long Steps => _steps;

    /// <summary>Loudness of the last 400 ms (LUFS; <see cref="double.NegativeInfinity"/> for digital silence).</summary>
    public double Momentary => Loudness(Window(4) / 4);

    /// <summary>Loudness of the last 3 s.</summary>
    public double ShortTerm => Loudness(Window(30) / 30);

    /// <summary>The largest absolute sample value so far.</summary>
    public double SamplePeak => _samplePeak;

    /// <summary>True peak so far (dBTP), from 4× oversampling; −∞ for silence.</summary>
    public double TruePeakDb => _truePeak > 0 ? 20 * Math.Log10(_truePeak) : double.NegativeInfinity;

    /// <summary>
    /// Feeds one block (the right channel is empty for mono; NaN/±Inf count as silence). Returns how many 100 ms steps
    /// completed during it, so callers can publish momentary and short-term values per step.
    /// </summary>
    public int Process(ReadOnlySpan<float> left, ReadOnlySpan<float> right, IStepObserver? observer = null, long startPosition = 0)
    {
        var completed = 0;
        for (var c = 0; c < _oversampler.Length; c++)
        {
            _truePeak = Math.Max(_truePeak, _oversampler[c].MaxMagnitude(c == 0 ? left : right));
        }
        right = _channels == 2 ? right : [];
        // Runs of samples up to each 100 ms step's end: the filters and the step's energy sum run without a check per sample.
        for (var i = 0; i < left.Length;)
        {
            var run = Math.Min(left.Length - i, _step - _inStep);
            _current = _weighting.Run(left.Slice(i, run), right.IsEmpty ? right : right.Slice(i, run), _current, ref _samplePeak);
            _inStep += run;
            i += run;
            if (_inStep == _step)
            {
                CompleteStep();
                completed++;
                observer?.OnStep(this, startPosition + i);
            }
        }
        return completed;
    }

    /// <summary>Integrated loudness (LUFS) of everything so far (the last hour for a live stream), gated.</summary>
    public double Integrated()
    {
        var count = Math.Min(_blockCount, _blocks.Length);
        // Absolute gate: blocks above −70 LUFS.
        var absolute = FromLoudness(Floor);
        double sum = 0;
        long n = 0;
        for (var j = 0; j < count; j++)
        {
            if (_blocks[j] > absolute)
            {
                sum += _blocks[j];
                n++;
            }
        }
        if (n == 0)
        {
            return Floor;
        }
        // Relative gate: 10 LU below the loudness of the blocks that passed the absolute gate.
        var relative = sum / n * Math.Pow(10, -1.0);
        sum = 0;
        n = 0;
        for (var j = 0; j < count; j++)
        {
            if (_blocks[j] > absolute && _blocks[j] > relative)
            {
                sum += _blocks[j];
                n++;
            }
        }
        return n == 0 ? Floor : Loudness(sum / n);
    }

    /// <summary>
    /// Loudness range (LU, EBU Tech 3342) of everything so far: the short-term (3 s) loudness every 100 ms once 3 s have
    /// passed, those above −70 LUFS, and of them those within 20 LU of their mean (by energy); the spread between the
    /// 10th and 95th percentiles, to 0.01 LU. 0 when nothing passes the gates.
    /// </summary>
    public double LoudnessRange()
    {
        if (_shortTermCount == 0)
        {
            return 0;
        }
        var gate = Loudness(_shortTermEnergy / _shortTermCount) - 20;
        var from = Math.Clamp((int)Math.Ceiling((gate - Floor) * RangeBinsPerLu), 0, RangeBins);
        long gated = 0;
        for (var i = from; i < RangeBins; i++)
        {
            gated += _shortTermHistogram[i];
        }
        return gated == 0 ? 0 : Percentile(0.95) - Percentile(0.10);

        // The value below which a fraction p of the gated values lie (nearest rank).
        double Percentile(double p)
        {
            var rank = (long)(p * (gated - 1));
            long seen = 0;
            for (var i = from; i < RangeBins; i++)
            {
                seen += _shortTermHistogram[i];
                if (seen > rank)
                {
                    return Floor + (double)i / RangeBinsPerLu;
                }
            }
            return 0;
        }
    }

    /// <summary>The blocks' loudness values (LUFS) in order, for statistics such as loudness variation.</summary>
    public IEnumerable<double> BlockLoudness()
    {
        var count = Math.Min(_blockCount, _blocks.Length);
        for (var j = 0; j < count; j++)
        {
            yield return Loudness(_blocks[j]);
        }
    }

    /// <summary>Starts again.</summary>
    public void Reset()
    {
        _weighting.Reset();
        foreach (var o in _oversampler)
        {
            o.Reset();
        }
        Array.Clear(_stepEnergy);
        Array.Clear(_shortTermHistogram);
        _shortTermEnergy = 0;
        _shortTermCount = 0;
        _stepAt = 0;
        _steps = _blockCount = 0;
        _current = 0;
        _inStep = 0;
        _truePeak = _samplePeak = 0;
    }

    /// <summary>−0.691 + 10·log10(mean square), the BS.1770 loudness of a (channel-weighted) mean square.</summary>
    public static double Loudness(double meanSquare) => meanSquare > 0 ? -0.691 + 10 * Math.Log10(meanSquare) : double.NegativeInfinity;

    private static double FromLoudness(double lufs) => Math.Pow(10, (lufs + 0.691) / 10);

    private void CompleteStep()
    {
        _stepAt = (_stepAt + 1) % _stepEnergy.Length;
        _stepEnergy[_stepAt] = _current / _step;
        _current = 0;
        _inStep = 0;
        _steps++;
        if (_steps >= 4)
        {
            _blocks[_blockCount % _blocks.Length] = Window(4) / 4;
            _blockCount++;
        }
        if (_steps >= 30)
        {
            var meanSquare = Window(30) / 30;
            var loudness = Loudness(meanSquare);
            if (loudness > Floor)
            {
                _shortTermHistogram[Math.Min((int)((loudness - Floor) * RangeBinsPerLu), RangeBins - 1)]++;
                _shortTermEnergy += meanSquare;
                _shortTermCount++;
            }
        }
    }

    // Sum of the last n steps' mean squares (missing steps count as silence).
    private double Window(int n)
    {
        double sum = 0;
        var available = (int)Math.Min(n, _steps);
        for (var k = 0; k < available; k++)
        {
            sum += _stepEnergy[(_stepAt - k + _stepEnergy.Length) % _stepEnergy.Length];
        }
        return sum;
    }
}

/// <summary>Told each time a <see cref="LoudnessMeter"/> completes a 100 ms step (audio thread).</summary>
public interface IStepObserver
{
    /// <summary><paramref name="position"/> is the stream sample index just after the step.</summary>
    void OnStep(LoudnessMeter meter, long position);
}
