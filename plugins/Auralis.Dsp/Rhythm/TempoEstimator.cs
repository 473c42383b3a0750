using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Auralis.Dsp.Rhythm;

/// <summary>A tempo estimate.</summary>
/// <param name="Bpm">Beats per minute (0 when there is no periodicity to find).</param>
/// <param name="Confidence">How strongly the envelope repeats at that period (0..1): the normalised autocorrelation there.</param>
/// <param name="PeriodFrames">The beat period in envelope frames.</param>
public readonly record struct TempoEstimate(double Bpm, double Confidence, double PeriodFrames);

/// <summary>
/// Tempo from an onset strength envelope: the autocorrelation of the (mean-removed) envelope over lags of 30–300 BPM,
/// weighted by a log-normal prior centred on 125 BPM with a standard deviation of one octave (librosa's shape,
/// <c>std_bpm=1</c>; centred at 125 rather than librosa's 120 so the unambiguous octave, 88–177 BPM, covers both slow
/// ballads at 90 and drum and bass at 174 — measured on golden-audio/inputs/band*.flac), whose best lag is then refined to a fraction of a frame: by a parabola through the
/// peak and by the peaks at 2, 3 and 4 periods (each locates the period k times more finely). Allocation-free when
/// given preallocated scratch; deterministic.
/// </summary>
public static class TempoEstimator
{
    /// <summary>The tempo range searched.</summary>
    public const double MinBpm = 30, MaxBpm = 300, PriorBpm = 125, PriorOctaves = 1;

    /// <summary>Estimates the tempo of <paramref name="envelope"/> sampled at <paramref name="framesPerSecond"/>.</summary>
    /// <param name="envelope">Onset strength per frame.</param>
    /// <param name="framesPerSecond">Envelope rate.</param>
    /// <param name="autocorrelation">Scratch of at least <see cref="ScratchLength"/> values.</param>
    public static TempoEstimate Estimate(ReadOnlySpan<float> envelope, double framesPerSecond, Span<double> autocorrelation)
    {
        var maxLag = MaxLag(envelope.Length, framesPerSecond);
        if (maxLag < 0)
        {
            return default;
        }
        Autocorrelate(envelope, Mean(envelope), autocorrelation, 0, maxLag);
        return FromAutocorrelation(autocorrelation, maxLag, framesPerSecond);
    }

    /// <summary>The longest lag <see cref="Estimate"/> looks at for an envelope of <paramref name="length"/> frames; −1
    /// when the envelope is too short to hold a period.</summary>
    public static int MaxLag(int length, double framesPerSecond)
    {
        var maxLag = Math.Min(length - 1, (int)Math.Ceiling(60 * framesPerSecond / MinBpm) * 4 + 8);
        var minLag = Math.Max(1, (int)Math.Floor(60 * framesPerSecond / MaxBpm));
        return maxLag <= minLag + 2 ? -1 : maxLag;
    }

    /// <summary>The envelope's mean, which <see cref="Autocorrelate"/> removes.</summary>
    public static double Mean(ReadOnlySpan<float> envelope)
    {
        double mean = 0;
        foreach (var v in envelope)
        {
            mean += v;
        }
        return mean / envelope.Length;
    }

    /// <summary>
    /// Lags <paramref name="fromLag"/>…<paramref name="toLag"/> of the unbiased autocorrelation of the mean-removed
    /// envelope into <paramref name="acf"/>. Lags are independent, so a caller may compute them a few at a time.
    /// </summary>
    public static void Autocorrelate(ReadOnlySpan<float> envelope, double mean, Span<double> acf, int fromLag, int toLag)
    {
        var lag = fromLag;
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            for (var groups = MaxGroups; groups >= 1; groups /= 2)
            {
                var lags = groups * LagsAtOnce;
                for (; lag + lags - 1 <= toLag && lag + lags <= envelope.Length; lag += lags)
                {
                    AutocorrelateGroups(envelope, mean, acf, lag, groups);
                }
            }
        }
        for (; lag <= toLag; lag++)
        {
            double sum = 0;
            for (var i = lag; i < envelope.Length; i++)
            {
                sum += (envelope[i] - mean) * (envelope[i - lag] - mean);
            }
            // Unbiased: fewer products at long lags, so scale back to a per-product mean.
            acf[lag] = sum / (envelope.Length - lag);
        }
    }

    /// <summary>Lags per vector; <see cref="Autocorrelate"/> does up to <see cref="MaxGroups"/> vectors of lags per pass.</summary>
    public const int LagsAtOnce = 8, MaxGroups = 4;

    // Lags first…first + 8·groups − 1 in one pass over the envelope: vector g holds lags first + 8g … first + 8g + 7,
    // lane q of it lag first + 8g + 7 − q (so the lane's second factor is x[i − lag] for one contiguous load per vector).
    // Each lane adds the same products in the same order (i ascending) as the scalar loop, so the sums are
    // bit-identical; the lanes' sums are independent, so up to 32 additions are in flight instead of one chain.
    // groups is 1, 2 or 4 (MaxGroups halved, as Autocorrelate calls it).
    private static void AutocorrelateGroups(ReadOnlySpan<float> envelope, double mean, Span<double> acf, int first, int groups)
    {
        Debug.Assert(groups is 1 or 2 or MaxGroups);
        var last = first + groups * LagsAtOnce - 1; // the longest lag: the vector loop starts at i = last
        Span<double> start = stackalloc double[MaxGroups * LagsAtOnce];
        for (var g = 0; g < groups; g++)
        {
            for (var q = 0; q < LagsAtOnce; q++)
            {
                var lag = first + g * LagsAtOnce + LagsAtOnce - 1 - q;
                double sum = 0;
                for (var i = lag; i < last; i++)
                {
                    sum += (envelope[i] - mean) * (envelope[i - lag] - mean);
                }
                start[g * LagsAtOnce + q] = sum;
            }
        }
        var s0 = Vector512.Create<double>(start[..8]);
        var s1 = groups > 1 ? Vector512.Create<double>(start[8..16]) : default;
        var s2 = groups == MaxGroups ? Vector512.Create<double>(start[16..24]) : default;
        var s3 = groups == MaxGroups ? Vector512.Create<double>(start[24..32]) : default;
        var meanV = Vector512.Create(mean);
        ref var x = ref MemoryMarshal.GetReference(envelope);
        // Vector g's lane 0 is lag first + 8g + 7: its factor for product i is x[i − first − 8g − 7].
        var offset = (nuint)(first + LagsAtOnce - 1);
        for (var i = last; i < envelope.Length; i++)
        {
            var lead = Vector512.Create(envelope[i] - mean);
            var at = (nuint)i - offset;
            s0 += lead * (Avx512F.ConvertToVector512Double(Vector256.LoadUnsafe(ref x, at)) - meanV);
            if (groups > 1)
            {
                s1 += lead * (Avx512F.ConvertToVector512Double(Vector256.LoadUnsafe(ref x, at - 8)) - meanV);
                if (groups == MaxGroups)
                {
                    s2 += lead * (Avx512F.ConvertToVector512Double(Vector256.LoadUnsafe(ref x, at - 16)) - meanV);
                    s3 += lead * (Avx512F.ConvertToVector512Double(Vector256.LoadUnsafe(ref x, at - 24)) - meanV);
                }
            }
        }
        s0.StoreUnsafe(ref start[0]);
        if (groups > 1)
        {
            s1.StoreUnsafe(ref start[8]);
        }
        if (groups == MaxGroups)
        {
            s2.StoreUnsafe(ref start[16]);
            s3.StoreUnsafe(ref start[24]);
        }
        for (var g = 0; g < groups; g++)
        {
            for (var q = 0; q < LagsAtOnce; q++)
            {
                var lag = first + g * LagsAtOnce + LagsAtOnce - 1 - q;
                acf[lag] = start[g * LagsAtOnce + q] / (envelope.Length - lag);
            }
        }
    }

    /// <summary>The tempo from lags 0…<paramref name="maxLag"/> of the autocorrelation (see <see cref="Autocorrelate"/>).</summary>
    public static TempoEstimate FromAutocorrelation(ReadOnlySpan<double> autocorrelation, int maxLag, double framesPerSecond)
    {
        var minLag = Math.Max(1, (int)Math.Floor(60 * framesPerSecond / MaxBpm));
        var acf = autocorrelation[..(maxLag + 1)];
        if (acf[0] <= 1e-12)
        {
            return default;
        }
        var periodMax = Math.Min(maxLag / 4, (int)Math.Ceiling(60 * framesPerSecond / MinBpm));
        var best = -1;
        var bestScore = double.NegativeInfinity;
        for (var lag = Math.Max(minLag, 2); lag <= periodMax; lag++)
        {
            if (acf[lag] < acf[lag - 1] || acf[lag] < acf[lag + 1])
            {
                continue; // only local peaks are periods
            }
            var bpm = 60 * framesPerSecond / lag;
            var prior = Math.Exp(-0.5 * Math.Pow(Math.Log2(bpm / PriorBpm) / PriorOctaves, 2));
            var score = Math.Max(0, acf[lag]) * prior;
            if (score > bestScore)
            {
                bestScore = score;
                best = lag;
            }
        }
        if (best < 0 || acf[best] <= 0)
        {
            return default;
        }
        var period = Refine(acf, best);
        // Later multiples of the period pin it down more finely; weight each by its k.
        double weighted = period, weights = 1;
        for (var k = 2; k <= 4; k++)
        {
            var centre = (int)Math.Round(period * k);
            if (centre + 3 > maxLag)
            {
                break;
            }
            var peak = centre;
            for (var l = centre - 2; l <= centre + 2; l++)
            {
                if (acf[l] > acf[peak])
                {
                    peak = l;
                }
            }
            if (acf[peak] <= 0 || peak == centre - 2 || peak == centre + 2)
            {
                continue; // no clean peak there
            }
            weighted += Refine(acf, peak); // k times the estimate peak/k: weighted by k
            weights += k;
        }
        period = weighted / weights;
        return new TempoEstimate(60 * framesPerSecond / period, Math.Clamp(acf[best] / acf[0], 0, 1), period);
    }

    /// <summary>Scratch needed for an envelope at <paramref name="framesPerSecond"/>.</summary>
    public static int ScratchLength(double framesPerSecond) => (int)Math.Ceiling(60 * framesPerSecond / MinBpm) * 4 + 16;

    private static double Refine(ReadOnlySpan<double> acf, int lag)
    {
        double a = acf[lag - 1], b = acf[lag], c = acf[lag + 1];
        var den = a - 2 * b + c;
        return den < 0 ? lag + Math.Clamp(0.5 * (a - c) / den, -0.5, 0.5) : lag;
    }
}
