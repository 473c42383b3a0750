using System.Runtime.CompilerServices;

namespace Auralis.Dsp.Chroma;

/// <summary>
/// Pitch-class profiles (chroma) from a power spectrum, with running tuning estimation, in the manner of HPCP: each
/// spectral peak between <see cref="MinHz"/> and <see cref="MaxHz"/> within 40 dB of the frame's strongest (frequency
/// refined by a parabola through the log powers) sits at a fractional MIDI pitch p = 69 + 12·log2(f/440) − tuning; its
/// magnitude goes to pitch class round(p) mod 12 (index 0 = C) weighted by cos²(π·(p − round(p))) — full weight on a
/// semitone, none half-way between. Peaks rather than every bin keep window leakage and noise out (measured: every
/// frame's three strongest classes are the chord's own on golden-audio/inputs/chords.flac, against 57 % with all bins). A frame's chroma is then divided by its largest value (librosa's default <c>norm=inf</c>), so
/// it lies in [0, 1]; a silent frame is all zeros.
/// Tuning: the spectral peaks of every frame (local maxima above a tenth of the frame's largest, frequency refined by a
/// parabola through the log magnitudes) vote, weighted by magnitude, into a histogram of deviations from the nearest
/// semitone (1-cent bins); the tuning used for a frame is the histogram's peak over all frames so far, so it is causal
/// (identical streaming and offline) and settles within the first seconds. Allocation-free after construction.
/// </summary>
public sealed class Chromagram
{
    /// <summary>The lowest frequency counted (C2).</summary>
    public const double MinHz = 65.4;

    /// <summary>The highest frequency counted (C8 region where partials blur).</summary>
    public const double MaxHz = 4200;

    private readonly double _binHz;
    private readonly int _first, _last;
    private readonly double[] _pitch;            // fractional MIDI pitch of each bin at tuning 0
    private readonly double[] _histogram = new double[100]; // deviations −50 … +49 cents
    private readonly float[] _chroma = new float[12];
    private readonly double[] _logPower;         // ln(power + 1e-30) of bins _first − 1 … _last + 1, at [k − _first + 1]

    /// <summary>Creates the analyser for an <paramref name="fftSize"/>-point spectrum at <paramref name="sampleRate"/>.</summary>
    public Chromagram(double sampleRate, int fftSize)
    {
        _binHz = sampleRate / fftSize;
        _first = Math.Max(1, (int)Math.Ceiling(MinHz / _binHz));
        _last = Math.Min(fftSize / 2 - 1, (int)Math.Floor(Math.Min(MaxHz, sampleRate / 2 * 0.95) / _binHz));
        _pitch = new double[fftSize / 2 + 1];
        _logPower = new double[Math.Max(0, _last - _first + 3)];
        for (var k = 1; k < _pitch.Length; k++)
        {
            _pitch[k] = 69 + 12 * Math.Log2(k * _binHz / 440);
        }
    }

    /// <summary>The tuning in use, in semitones (−0.5 … 0.5) relative to A = 440 Hz.</summary>
    public double Tuning { get; private set; }

    /// <summary>The last frame's chroma (index 0 = C).</summary>
    public ReadOnlySpan<float> Values => _chroma;

    /// <summary>Updates the tuning estimate with this frame's peaks and computes its chroma from <paramref name="power"/>.</summary>
    public void Compute(ReadOnlySpan<float> power)
    {
        Array.Clear(_chroma);
        if (_last < _first)
        {
            return;
        }
        var max = SpanMath.Max(power[_first..(_last + 1)]);
        // The logarithms the peaks' parabolas need, for every bin at once (vectorised: within an ulp of Math.Log).
        var log = _logPower.AsSpan();
        SpanMath.Widen(power[(_first - 1)..(_last + 2)], log);
        SpanMath.Add(log, 1e-30, log);
        SpanMath.Log(log, log);
        VoteTuning(power, max);
        var tuning = Tuning;
        var floor = max * 1e-4f; // peaks within 40 dB of the frame's strongest
        for (var k = Math.Max(_first, 1); k < _last; k++)
        {
            var here = power[k];
            if (here <= floor || here < power[k - 1] || here <= power[k + 1])
            {
                continue;
            }
            // Refine the peak's frequency with a parabola through the log powers; weight by its magnitude.
            var (a, b, c) = LogsAround(k);
            var den = a - 2 * b + c;
            var shift = den < 0 ? Math.Clamp(0.5 * (a - c) / den, -0.5, 0.5) : 0;
            var pitch = PeakPitch(k, shift) - tuning;
            var nearest = Math.Round(pitch);
            var w = CosPi(pitch - nearest);
            var pc = ((int)nearest % 12 + 12) % 12;
            _chroma[pc] += (float)(Math.Sqrt(here) * w * w);
        }
        var top = 0f;
        foreach (var v in _chroma)
        {
            top = MathF.Max(top, v);
        }
        if (top > 1e-20f)
        {
            SpanMath.Multiply(_chroma, 1f / top, _chroma);
        }
        else
        {
            Array.Clear(_chroma);
        }
    }

    /// <summary>Forgets the tuning evidence.</summary>
    public void Reset()
    {
        Array.Clear(_histogram);
        Tuning = 0;
    }

    private void VoteTuning(ReadOnlySpan<float> power, float max)
    {
        if (max <= 1e-20f)
        {
            return;
        }
        var floor = max * 0.01f; // a tenth of the largest magnitude = a hundredth of its power
        var voted = false;
        for (var k = Math.Max(_first, 2); k < _last; k++)
        {
            var here = power[k];
            if (here < floor || here < power[k - 1] || here <= power[k + 1])
            {
                continue;
            }
            // Parabola through the log magnitudes (half the log power) of the peak and its neighbours.
            var (a, b, c) = LogsAround(k);
            var den = a - 2 * b + c;
            var shift = den < 0 ? 0.5 * (a - c) / den : 0;
            var p = PeakPitch(k, Math.Clamp(shift, -0.5, 0.5));
            var deviation = p - Math.Round(p); // −0.5 … 0.5
            var bin = Math.Clamp((int)Math.Floor((deviation + 0.5) * 100), 0, 99);
            _histogram[bin] += Math.Sqrt(here);
            voted = true;
        }
        if (voted)
        {
            var best = 0;
            for (var i = 1; i < _histogram.Length; i++)
            {
                if (_histogram[i] > _histogram[best])
                {
                    best = i;
                }
            }
            Tuning = (best + 0.5) / 100 - 0.5;
        }
    }

    private const double Ln2 = 0.6931471805599453;

    // The fractional MIDI pitch at bin k + shift (|shift| ≤ 0.5): bin k's pitch plus 12·log2(1 + u), u = shift/k, with
    // ln(1 + u) = 2·atanh(z), z = u / (2 + u), from atanh's series to z¹³. Within 3e-14 semitones of
    // 69 + 12·log2(f/440) from bin 3 on (the first bin counted is above 65 Hz, bin 4 or higher), without the library call.
    private double PeakPitch(int k, double shift)
    {
        var u = shift / k;
        var z = u / (2 + u);
        var z2 = z * z;
        var z4 = z2 * z2;
        var series = 1 + z2 / 3 + z4 * (1.0 / 5 + z2 / 7) + z4 * z4 * (1.0 / 9 + z2 / 11 + z4 / 13);
        return _pitch[k] + 24 / Ln2 * z * series;
    }

    // ln(power + 1e-30) at bins k − 1, k, k + 1 (k in _first … _last).
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // three loads, per peak
    private (double, double, double) LogsAround(int k)
    {
        var at = k - _first;
        return (_logPower[at], _logPower[at + 1], _logPower[at + 2]);
    }

    // cos(π·x) for |x| ≤ 0.5 from its Taylor series in t = x² up to t¹¹, whose remainder there is below 2e-17 (under
    // an ulp of the result), so the weights equal Math.Cos's to rounding. Evaluated by Estrin's scheme: pairs of terms,
    // then pairs of pairs, so the chain of dependent operations is short (a Horner chain cost as much as the call).
    // The coefficients (−1)ⁿ·π²ⁿ/(2n)!, n = 0 … 11.
    private const double C0 = 1, C1 = -4.934802200544679, C2 = 4.058712126416768, C3 = -1.3352627688545893,
        C4 = 0.23533063035889312, C5 = -0.02580689139001405, C6 = 0.001929574309403922, C7 = -0.00010463810492484565,
        C8 = 4.303069587032944e-06, C9 = -1.387895246221376e-07, C10 = 3.6047307974624982e-09, C11 = -7.700707130601346e-11;

    private static double CosPi(double x)
    {
        var t = x * x;
        var t2 = t * t;
        var t4 = t2 * t2;
        var low = C0 + C1 * t + (C2 + C3 * t) * t2;
        var mid = C4 + C5 * t + (C6 + C7 * t) * t2;
        var high = C8 + C9 * t + (C10 + C11 * t) * t2;
        return low + (mid + high * t4) * t4;
    }
}
