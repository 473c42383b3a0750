using System.Runtime.CompilerServices;
using Auralis.Dsp.Chroma;
using Auralis.Dsp.Loudness;
using Auralis.Dsp.Pitch;
using Auralis.Dsp.Rhythm;
using Auralis.Dsp.Separation;

namespace Auralis.Dsp.Fingerprint;

/// <summary>
/// The 25-dimensional fingerprint of a mono or stereo stream (docs/fingerprint.md gives each dimension's formula and
/// unit). It reuses the other analyzers' cores — <see cref="LoudnessMeter"/>, <see cref="OnsetStrength"/> and
/// <see cref="TempoEstimator"/>, <see cref="Yin"/>, <see cref="Chromagram"/>, <see cref="HarmonicPercussive"/> — on
/// one shared 2048-sample, hop-512 analysis of the mono sum (per-channel sums for loudness and stereo). Everything is
/// kept as running sums or fixed-size histograms, so memory is bounded and <see cref="Compute"/> is allocation-free for
/// a live running form; only the final tempo (from the whole onset envelope) is computed by the caller once.
/// </summary>
public sealed class FingerprintAnalyzer : IFrameConsumer
{
    /// <summary>The dimensions, in vector order.</summary>
    public static readonly string[] Dimensions =
    [
        "sub_bass", "bass", "low_mid", "mid", "upper_mid", "presence", "air",
        "lufs", "crest_db", "bass_mid_ratio_db",
        "tempo_bpm", "rhythm_stability", "transient_density", "silence_ratio",
        "spectral_centroid_hz", "spectral_rolloff_hz", "spectral_flatness",
        "harmonic_ratio", "pitch_stability", "chroma_energy",
        "dynamic_range_variation", "loudness_variation_lu", "peak_consistency",
        "stereo_width", "phase_correlation",
    ];

    /// <summary>Band edges in Hz for the seven energy fractions.</summary>
    public static readonly double[] BandEdges = [20, 60, 250, 500, 2000, 4000, 8000, 20000];

    /// <summary>Analysis frame and hop (samples; at 44.1/48 kHz — see <see cref="FrameSizeFor"/>).</summary>
    public const int Frame = 2048, HopDivisor = 4;

    private const double SilentFrameDb = -60;        // a frame quieter than this (RMS, dBFS) is silent
    private const double RunningTempoSeconds = 12;

    private readonly double _sampleRate;
    private readonly int _hop;
    private readonly MonoFramer _framer;
    private readonly OnsetStrength _onset;
    private readonly Yin _yin;
    private readonly Chromagram _chroma;
    private readonly HarmonicPercussive _separator;
    private readonly LoudnessMeter _loudness;
    private readonly float[] _mono;
    private readonly int[] _bandStart = new int[7], _bandEnd = new int[7]; // each band's bins [start, end)
    private readonly float[] _magnitude, _logMagnitude, _binIndex;
    private readonly double[] _bandEnergy = new double[7];
    private readonly float[] _envelope;              // onset strength ring (whole stream offline; last 10 min live)
    private readonly RunningTempo _runningTempo;
    private readonly double[] _vector = new double[25];

    // Running sums.
    private long _frames, _silentFrames, _voicedPairs, _stablePairs;
    private double _centroidSum, _rolloffSum, _flatnessSum, _chromaEnergySum;
    private long _spectralFrames;
    private float _lastVoicedHz;
    private long _onsets;
    private double _sumL2, _sumR2, _sumLR, _sumMid2, _sumSide2;
    private long _samples;
    private double _secondPeak, _secondSquares;
    private int _secondFill;
    private double _crestSum, _crest2Sum, _peakDbSum, _peakDb2Sum;
    private long _seconds;

    /// <summary>Creates the analyzer.</summary>
    public FingerprintAnalyzer(double sampleRate, int channels, int maxBlock, long expectedLength)
    {
        _sampleRate = sampleRate;
        var size = FrameSizeFor(sampleRate);
        _hop = size / HopDivisor;
        _framer = new MonoFramer(size, _hop, maxBlock);
        _onset = new OnsetStrength(sampleRate, size);
        _yin = new Yin(size, sampleRate);
        _chroma = new Chromagram(sampleRate, size);
        // Only its energy split is used (harmonic_ratio): no inverse transforms, no output signals.
        _separator = new HarmonicPercussive(maxBlock, SeparationOutputs.Energy);
        _loudness = new LoudnessMeter(sampleRate, channels, expectedLength, truePeak: false); // no dimension uses it
        _mono = new float[maxBlock];
        _magnitude = new float[size / 2 + 1];
        _logMagnitude = new float[size / 2 + 1];
        _binIndex = new float[size / 2 + 1];
        for (var k = 0; k < _binIndex.Length; k++)
        {
            _binIndex[k] = k;
        }
        // Bin k (centre k·sr/size Hz) belongs to band b when BandEdges[b] ≤ f < BandEdges[b + 1]: contiguous ranges.
        for (var b = 0; b < 7; b++)
        {
            _bandStart[b] = Math.Min(size / 2 + 1, (int)Math.Ceiling(BandEdges[b] * size / sampleRate));
            _bandEnd[b] = Math.Min(size / 2 + 1, (int)Math.Ceiling(BandEdges[b + 1] * size / sampleRate));
        }
        var fps = FramesPerSecond;
        var capacity = expectedLength > 0 ? expectedLength / _hop + 4 : (long)(600 * fps);
        _envelope = new float[Math.Min(capacity, 1 << 24)];
        _runningTempo = new RunningTempo(fps, RunningTempoSeconds);
    }

    /// <summary>2048 samples up to 50 kHz, doubling per octave of sample rate above.</summary>
    public static int FrameSizeFor(double sampleRate) => sampleRate <= 50000 ? 2048 : sampleRate <= 100000 ? 4096 : 8192;

    /// <summary>Onset-envelope frames per second.</summary>
    public double FramesPerSecond => _sampleRate / _hop;

    /// <summary>Samples the separator needs after the input to account for the last frames.</summary>
    public static int TailSamples => HarmonicPercussive.Latency + HarmonicPercussive.Tail;

    /// <summary>
    /// Feeds one stretch of the stream: <paramref name="left"/>/<paramref name="right"/> (right empty for mono),
    /// <paramref name="realSamples"/> of which are programme; the rest is the host's flush silence, which only the
    /// separator still consumes so its last frames are counted. Stretches may be any length: results at any sample
    /// position do not depend on how the stream was cut.
    /// </summary>
    public void Process(ReadOnlySpan<float> left, ReadOnlySpan<float> right, int realSamples)
    {
        var n = left.Length;
        var mono = _mono.AsSpan(0, n);
        FiniteSamples.Copy(left, mono);
        if (!right.IsEmpty)
        {
            FiniteSamples.Add(right[..n], mono);
            SpanMath.Multiply(mono, 0.5f, mono);
        }
        // The separator sees everything (its energies come from frames it masks ~15 frames late).
        _separator.Analyse(mono);
        if (realSamples <= 0)
        {
            return;
        }
        left = left[..realSamples];
        right = right.IsEmpty ? right : right[..realSamples];
        _loudness.Process(left, right);
        // Runs up to each second's end, the running sums in locals: the same additions in the same order as one sample
        // at a time through the fields, without a store and reload per sum and sample.
        var perSecond = (int)_sampleRate;
        for (var start = 0; start < realSamples;)
        {
            var run = Math.Min(realSamples - start, perSecond - _secondFill);
            double sumL2 = _sumL2, sumR2 = _sumR2, sumLR = _sumLR, sumMid2 = _sumMid2, sumSide2 = _sumSide2;
            double secondPeak = _secondPeak, secondSquares = _secondSquares;
            for (var i = start; i < start + run; i++)
            {
                double l = Finite(left[i]);
                var r = right.IsEmpty ? l : Finite(right[i]);
                sumL2 += l * l;
                sumR2 += r * r;
                sumLR += l * r;
                var mid = 0.5 * (l + r);
                var side = 0.5 * (l - r);
                sumMid2 += mid * mid;
                sumSide2 += side * side;
                secondPeak = Math.Max(secondPeak, Math.Max(Math.Abs(l), Math.Abs(r)));
                secondSquares += mid * mid;
            }
            (_sumL2, _sumR2, _sumLR, _sumMid2, _sumSide2) = (sumL2, sumR2, sumLR, sumMid2, sumSide2);
            (_secondPeak, _secondSquares) = (secondPeak, secondSquares);
            _secondFill += run;
            start += run;
            if (_secondFill >= perSecond)
            {
                CloseSecond();
            }
        }
        _samples += realSamples;
        _framer.PushMono(mono[..realSamples], -1, this);
    }

    /// <inheritdoc />
    public void OnFrame(ReadOnlySpan<float> frame, long centre)
    {
        var strength = _onset.Next(frame);
        _envelope[_frames % _envelope.Length] = strength;
        _runningTempo.Push(strength);
        var power = _onset.Power;
        _frames++;
        CountOnset();

        double energy = SpanMath.SumOfSquares(frame);
        var rmsDb = energy > 0 ? 10 * Math.Log10(energy / frame.Length) : double.NegativeInfinity;
        if (rmsDb < SilentFrameDb)
        {
            _silentFrames++;
            _lastVoicedHz = 0;
            return;
        }
        for (var b = 0; b < 7; b++)
        {
            _bandEnergy[b] += SpanMath.Sum(power[_bandStart[b].._bandEnd[b]]);
        }
        SpectralShape(power);
        _chroma.Compute(power);
        var chroma = _chroma.Values;
        float max = 0, sum = 0;
        foreach (var v in chroma)
        {
            max = MathF.Max(max, v);
            sum += v;
        }
        _chromaEnergySum += sum > 0 ? max / sum : 0;

        var pitch = _yin.Estimate(frame, 0.15f, 50f, 2000f);
        if (pitch.Voiced)
        {
            if (_lastVoicedHz > 0)
            {
                _voicedPairs++;
                if (Math.Abs(1200 * Math.Log2(pitch.Hz / _lastVoicedHz)) < 50)
                {
                    _stablePairs++;
                }
            }
            _lastVoicedHz = pitch.Hz;
        }
        else
        {
            _lastVoicedHz = 0;
        }
    }

    /// <summary>
    /// The vector. <paramref name="tempo"/> is the tempo to report (the caller's whole-stream estimate); null uses the
    /// running estimate over the last 12 s. Allocation-free.
    /// </summary>
    public ReadOnlySpan<double> Compute(TempoEstimate? tempo = null)
    {
        var v = _vector;
        Array.Clear(v);
        var total = 0.0;
        foreach (var e in _bandEnergy)
        {
            total += e;
        }
        for (var b = 0; b < 7; b++)
        {
            v[b] = total > 0 ? _bandEnergy[b] / total : 0;
        }
        v[7] = _loudness.Integrated();
        var rms = _samples > 0 ? Math.Sqrt(_sumMid2 / _samples) : 0;
        v[8] = rms > 0 && _loudness.SamplePeak > 0 ? 20 * Math.Log10(_loudness.SamplePeak / rms) : 0;
        v[9] = _bandEnergy[1] > 0 && _bandEnergy[3] > 0 ? 10 * Math.Log10(_bandEnergy[1] / _bandEnergy[3]) : 0;
        var t = tempo ?? _runningTempo.Current;
        v[10] = t.Bpm;
        v[11] = t.Confidence;
        var seconds = _samples / _sampleRate;
        v[12] = seconds > 0 ? _onsets / seconds : 0;
        v[13] = _frames > 0 ? _silentFrames / (double)_frames : 1;
        if (_spectralFrames > 0)
        {
            v[14] = _centroidSum / _spectralFrames;
            v[15] = _rolloffSum / _spectralFrames;
            v[16] = _flatnessSum / _spectralFrames;
            v[19] = _chromaEnergySum / _spectralFrames;
        }
        var separated = _separator.HarmonicEnergy + _separator.PercussiveEnergy;
        v[17] = separated > 0 ? _separator.HarmonicEnergy / separated : 0;
        v[18] = _voicedPairs > 0 ? _stablePairs / (double)_voicedPairs : 0;
        if (_seconds > 1)
        {
            v[20] = StandardDeviation(_crestSum, _crest2Sum, _seconds);
            v[22] = Math.Clamp(1 - StandardDeviation(_peakDbSum, _peakDb2Sum, _seconds) / 12, 0, 1);
        }
        v[21] = _loudness.LoudnessRange();
        var sides = _sumMid2 + _sumSide2;
        v[23] = sides > 0 ? _sumSide2 / sides : 0;
        v[24] = _sumL2 > 0 && _sumR2 > 0 ? Math.Clamp(_sumLR / Math.Sqrt(_sumL2 * _sumR2), -1, 1) : 0;
        for (var i = 0; i < v.Length; i++)
        {
            if (!double.IsFinite(v[i]))
            {
                v[i] = 0;
            }
        }
        return v;
    }

    /// <summary>The onset envelope so far (oldest first), for the whole-stream tempo. Allocates.</summary>
    public float[] OnsetEnvelope()
    {
        var n = (int)Math.Min(_frames, _envelope.Length);
        var first = _frames - n;
        var result = new float[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = _envelope[(first + i) % _envelope.Length];
        }
        return result;
    }

    /// <summary>Starts again.</summary>
    public void Reset()
    {
        _framer.Reset();
        _onset.Reset();
        _chroma.Reset();
        _separator.Reset();
        _loudness.Reset();
        Array.Clear(_bandEnergy);
        _frames = _silentFrames = _voicedPairs = _stablePairs = _spectralFrames = _onsets = _samples = _seconds = 0;
        _centroidSum = _rolloffSum = _flatnessSum = _chromaEnergySum = 0;
        _lastVoicedHz = 0;
        _runningTempo.Reset();
        _sumL2 = _sumR2 = _sumLR = _sumMid2 = _sumSide2 = 0;
        _secondPeak = _secondSquares = 0;
        _secondFill = 0;
        _crestSum = _crest2Sum = _peakDbSum = _peakDb2Sum = 0;
    }

    /// <summary>The loudness meter (for its 100 ms steps).</summary>
    public LoudnessMeter Loudness => _loudness;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // per sample, four times
    private static double Finite(float x) => float.IsFinite(x) ? x : 0;

    private void CloseSecond()
    {
        if (_secondPeak > 0 && _secondSquares > 0)
        {
            var peakDb = 20 * Math.Log10(_secondPeak);
            var crest = peakDb - 10 * Math.Log10(_secondSquares / _secondFill);
            if (peakDb > SilentFrameDb)
            {
                _crestSum += crest;
                _crest2Sum += crest * crest;
                _peakDbSum += peakDb;
                _peakDb2Sum += peakDb * peakDb;
                _seconds++;
            }
        }
        _secondPeak = _secondSquares = 0;
        _secondFill = 0;
    }

    // Centroid, 85 % roll-off and flatness of the magnitude spectrum (essentia's Centroid, RollOff and Flatness). The
    // per-bin square roots, logarithms and sums run vectorised in single precision (relative error ~1e-6, far inside
    // what the dimensions are read to).
    private void SpectralShape(ReadOnlySpan<float> power)
    {
        var n = power.Length;
        var binHz = _sampleRate / (2 * (n - 1));
        var magnitude = _magnitude.AsSpan(0, n);
        var logMagnitude = _logMagnitude.AsSpan(0, n);
        SpanMath.Sqrt(power, magnitude);
        SpanMath.Max(magnitude, 1e-20f, logMagnitude);
        SpanMath.Log(logMagnitude, logMagnitude);
        double sum = SpanMath.Sum(magnitude);
        double weighted = SpanMath.Dot(_binIndex.AsSpan(0, n), magnitude);
        double energy = SpanMath.Sum(power);
        double logSum = SpanMath.Sum(logMagnitude);
        if (sum <= 0)
        {
            return;
        }
        double cumulative = 0;
        var rolloffBin = n - 1;
        for (var k = 0; k < n; k++)
        {
            cumulative += power[k];
            if (cumulative >= 0.85 * energy)
            {
                rolloffBin = k;
                break;
            }
        }
        _centroidSum += weighted / sum * binHz;
        _rolloffSum += rolloffBin * binHz;
        _flatnessSum += Math.Exp(logSum / n) / (sum / n);
        _spectralFrames++;
    }

    // An onset at frame t − 3 when it is the largest of frames t − 6 … t and exceeds the last second's mean by half a
    // standard deviation and an absolute floor (1 dB of mean rise).
    private void CountOnset()
    {
        const int half = 3;
        if (_frames < 2 * half + 1)
        {
            return;
        }
        var candidate = _frames - 1 - half;
        var value = At(candidate);
        for (var i = candidate - half; i <= candidate + half; i++)
        {
            if (i != candidate && At(i) >= value)
            {
                return;
            }
        }
        var span = (int)Math.Min(_frames, FramesPerSecond);
        double sum = 0, sq = 0;
        for (var i = _frames - span; i < _frames; i++)
        {
            var x = At(i);
            sum += x;
            sq += x * x;
        }
        var mean = sum / span;
        var std = Math.Sqrt(Math.Max(0, sq / span - mean * mean));
        if (value > mean + 0.5 * std && value > 1.0)
        {
            _onsets++;
        }
    }

    private float At(long frame) => _envelope[frame % _envelope.Length];

    private static double StandardDeviation(double sum, double squares, long n)
    {
        var mean = sum / n;
        return Math.Sqrt(Math.Max(0, squares / n - mean * mean));
    }
}
