using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Auralis.Dsp.Pitch;

/// <summary>One YIN estimate.</summary>
/// <param name="Hz">Fundamental frequency, or 0 when unvoiced.</param>
/// <param name="Confidence">1 − d′(τ) at the chosen lag (0..1; 0 for silence).</param>
/// <param name="Voiced">True when d′ fell under the threshold within [fmin, fmax].</param>
public readonly record struct PitchEstimate(float Hz, float Confidence, bool Voiced);

/// <summary>
/// YIN (de Cheveigné &amp; Kawahara 2002) on frames of <c>2·W</c> samples: the difference function
/// d(τ) = Σ_{j&lt;W} (x[j] − x[j+τ])² computed through the FFT (d(τ) = r_t(0) + r_{t+τ}(0) − 2·r_t(τ), the
/// correlation r_t(τ) from one forward/inverse transform pair and the energies from a running sum of squares), the
/// cumulative mean normalised difference d′(τ) = d(τ)·τ / Σ_{k=1..τ} d(k), the absolute threshold (the first dip of d′
/// under it, followed to its local minimum) and parabolic interpolation of the minimum. Allocation-free after
/// construction; one instance per stream.
/// <para>Two transforms per frame instead of three: the frame's spectrum is that of its first half zero-padded (A)
/// plus that of its second half zero-padded, shifted by W (X = A + (−1)^k·B). With a hop of W/2 (or W/4, W) a frame's
/// first half is an earlier frame's second half, whose spectrum B was kept, so only B of the new second half is
/// transformed. A kept spectrum is used only when its samples are bit-identical to the new first half, so the result
/// does not depend on the hop, on skipped frames or on state: a miss transforms the first half too.</para>
/// </summary>
public sealed class Yin
{
    private readonly int _frame;
    private readonly int _window;
    private readonly RealFft _fft;
    private readonly float[] _lead;      // a half frame (W samples) followed by W zeros
    private readonly float[] _re, _im, _re2, _im2;
    private readonly float[] _correlation;
    private readonly double[] _squares;  // the frame's samples squared
    private readonly double[] _energy;   // cumulative sum of squares of the frame
    private readonly float[] _cmnd;      // d′(τ), τ = 0..W−1
    private readonly double[] _difference, _runningSum; // d(τ) and Σ_{k=1..τ} d(k), τ = 0..W−1
    // The last frames' second halves and the spectra of those halves zero-padded, oldest overwritten first.
    private const int KeptHalves = 4;
    private readonly float[][] _keptSamples, _keptRe, _keptIm;
    private readonly bool[] _kept;
    private int _nextKept;

    /// <summary>Creates an estimator for frames of <paramref name="frameSize"/> samples (a power of two); W = frameSize/2.</summary>
    public Yin(int frameSize, double sampleRate)
    {
        _frame = frameSize;
        _window = frameSize / 2;
        SampleRate = sampleRate;
        _fft = new RealFft(frameSize);
        _lead = new float[frameSize];
        _re = new float[_fft.BinCount];
        _im = new float[_fft.BinCount];
        _re2 = new float[_fft.BinCount];
        _im2 = new float[_fft.BinCount];
        _correlation = new float[frameSize];
        _squares = new double[frameSize];
        _energy = new double[frameSize + 1];
        _cmnd = new float[_window];
        _difference = new double[_window];
        _runningSum = new double[_window];
        _keptSamples = new float[KeptHalves][];
        _keptRe = new float[KeptHalves][];
        _keptIm = new float[KeptHalves][];
        _kept = new bool[KeptHalves];
        for (var i = 0; i < KeptHalves; i++)
        {
            _keptSamples[i] = new float[_window];
            _keptRe[i] = new float[_fft.BinCount];
            _keptIm[i] = new float[_fft.BinCount];
        }
    }

    /// <summary>Samples per frame (2·W).</summary>
    public int FrameSize => _frame;

    /// <summary>Samples per second.</summary>
    public double SampleRate { get; }

    /// <summary>The cumulative mean normalised difference of the last frame (d′(0) = 1), for diagnostics and tests.</summary>
    public ReadOnlySpan<float> Cmnd => _cmnd;

    /// <summary>Estimates the pitch of <paramref name="frame"/> (exactly <see cref="FrameSize"/> finite samples).</summary>
    public PitchEstimate Estimate(ReadOnlySpan<float> frame, float threshold, float minHz, float maxHz)
    {
        var w = _window;
        // Lags searched: τ ≥ 2 keeps parabolic interpolation inside the array; τ ≤ W − 2 likewise.
        var tauMin = Math.Clamp((int)Math.Floor(SampleRate / maxHz), 2, w - 2);
        var tauMax = Math.Clamp((int)Math.Ceiling(SampleRate / minHz), tauMin, w - 2);

        // r_t(τ) = Σ_{j<W} x[j]·x[j+τ]: correlate the frame with its first W samples. The frame is 2W long and
        // τ < W, so j + τ < 2W never wraps in the circular correlation of size 2W.
        var (ar, ai, br, bi) = HalfSpectra(frame);
        CrossSpectrum(ar, ai, br, bi);
        _fft.Inverse(_re, _im, _correlation);

        // _energy[j + 1] = Σ_{i ≤ j} x[i]²
        _energy[0] = 0;
        SpanMath.Widen(frame, _squares);
        SpanMath.Multiply(_squares, _squares, _squares);
        var done = PrefixWide(_squares, _energy.AsSpan(1));
        for (; done < _frame; done++)
        {
            _energy[done + 1] = _energy[done] + _squares[done];
        }
        var e0 = _energy[w];
        _cmnd[0] = 1;
        // Three passes where one loop did it all: d(τ) and d′(τ) lane by lane (the same operations per τ, so the same
        // values), and between them the running sum, the one truly sequential part, on its own.
        var tau = DifferenceWide(e0);
        for (; tau < w; tau++)
        {
            var d = e0 + (_energy[tau + w] - _energy[tau]) - 2.0 * _correlation[tau];
            _difference[tau] = d < 0 ? 0 : d; // below 0: rounding of nearly identical energies
        }
        tau = PrefixWide(_difference, _runningSum); // d(0) is 0, so the sum from τ = 0 is the sum from 1
        var running = tau > 0 ? _runningSum[tau - 1] : 0;
        for (tau = Math.Max(tau, 1); tau < w; tau++)
        {
            running += _difference[tau];
            _runningSum[tau] = running;
        }
        tau = NormaliseWide();
        for (; tau < w; tau++)
        {
            // With no energy at all (silence, or values that square to zero), the frame has no pitch: d′ = 1.
            var sum = _runningSum[tau];
            _cmnd[tau] = sum > 1e-20 ? (float)(_difference[tau] * tau / sum) : 1f;
        }

        // Absolute threshold: the first lag under it, then down to that dip's local minimum.
        var best = FirstBelow(_cmnd.AsSpan(tauMin, tauMax - tauMin + 1), threshold);
        if (best >= 0)
        {
            best += tauMin;
            while (best + 1 <= tauMax && _cmnd[best + 1] < _cmnd[best])
            {
                best++;
            }
        }
        var voiced = best >= 0;
        if (!voiced)
        {
            // Unvoiced: report the global minimum's confidence, no frequency.
            best = tauMin + SpanMath.IndexOfMin(_cmnd.AsSpan(tauMin, tauMax - tauMin + 1));
            return new PitchEstimate(0f, Math.Clamp(1f - _cmnd[best], 0f, 1f), false);
        }
        var period = Interpolate(best);
        var hz = (float)(SampleRate / period);
        if (hz < minHz || hz > maxHz || !float.IsFinite(hz))
        {
            return new PitchEstimate(0f, Math.Clamp(1f - _cmnd[best], 0f, 1f), false);
        }
        return new PitchEstimate(hz, Math.Clamp(1f - _cmnd[best], 0f, 1f), true);
    }

    // The spectra of the frame's first half (A) and second half (B), each zero-padded. A is a kept B when an earlier
    // frame's second half had these very samples, else it is transformed into _re2/_im2; B is kept for the frames whose
    // first half it will be. The slot B goes into is never the one A was found in.
    private (float[] Ar, float[] Ai, float[] Br, float[] Bi) HalfSpectra(ReadOnlySpan<float> frame)
    {
        var w = _window;
        var first = MemoryMarshal.AsBytes(frame[..w]);
        var found = -1;
        for (var i = 0; i < KeptHalves && found < 0; i++)
        {
            if (_kept[i] && first.SequenceEqual(MemoryMarshal.AsBytes(_keptSamples[i].AsSpan())))
            {
                found = i;
            }
        }
        if (found < 0)
        {
            frame[..w].CopyTo(_lead); // the rest of _lead stays zero
            _fft.Forward(_lead, _re2, _im2);
        }
        var slot = _nextKept == found ? (found + 1) % KeptHalves : _nextKept;
        _nextKept = (slot + 1) % KeptHalves;
        frame[w..].CopyTo(_keptSamples[slot]);
        frame[w..].CopyTo(_lead);
        _fft.Forward(_lead, _keptRe[slot], _keptIm[slot]);
        _lead.AsSpan(0, w).Clear();
        _kept[slot] = true;
        return found < 0
            ? (_re2, _im2, _keptRe[slot], _keptIm[slot])
            : (_keptRe[found], _keptIm[found], _keptRe[slot], _keptIm[slot]);
    }

    // X·conj(A) into _re/_im, with the frame's spectrum X = A + (−1)^k·B (the second half is shifted by W = N/2).
    private void CrossSpectrum(float[] ar, float[] ai, float[] br, float[] bi)
    {
        var k = CrossSpectrumWide(ar, ai, br, bi);
        for (; k < _re.Length; k++)
        {
            var sign = (k & 1) == 0 ? 1f : -1f;
            float xr = ar[k] + sign * br[k], xi = ai[k] + sign * bi[k];
            _re[k] = xr * ar[k] + xi * ai[k];
            _im[k] = xi * ar[k] - xr * ai[k];
        }
    }

    // The same, 16 bins at a time (16 is even: every vector starts on an even bin); returns the bins done.
    private int CrossSpectrumWide(float[] ar, float[] ai, float[] br, float[] bi)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            return 0;
        }
        var signs = Vector512.Create(1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f);
        ref var outRe = ref MemoryMarshal.GetArrayDataReference(_re);
        ref var outIm = ref MemoryMarshal.GetArrayDataReference(_im);
        ref var aRe0 = ref MemoryMarshal.GetArrayDataReference(ar);
        ref var aIm0 = ref MemoryMarshal.GetArrayDataReference(ai);
        ref var bRe0 = ref MemoryMarshal.GetArrayDataReference(br);
        ref var bIm0 = ref MemoryMarshal.GetArrayDataReference(bi);
        var k = 0;
        for (; k + 16 <= _re.Length; k += 16)
        {
            var at = (nuint)k;
            var aRe = Vector512.LoadUnsafe(ref aRe0, at);
            var aIm = Vector512.LoadUnsafe(ref aIm0, at);
            var xr = aRe + signs * Vector512.LoadUnsafe(ref bRe0, at);
            var xi = aIm + signs * Vector512.LoadUnsafe(ref bIm0, at);
            (xr * aRe + xi * aIm).StoreUnsafe(ref outRe, at);
            (xi * aRe - xr * aIm).StoreUnsafe(ref outIm, at);
        }
        return k;
    }

    // Both running sums (the energies, 2W terms, and Σ d, W terms) summed left to right are chains of dependent
    // additions, a fifth of the estimate's time. Eight at a time instead: an in-register prefix sum (three shifted
    // additions) plus the total so far. The order of the additions differs from a left-to-right sum, so values differ
    // by rounding only (~1e-16 relative, far below the float correlation they are combined with).

    // sums[i] = Σ_{k ≤ i} values[k], 8 at a time; returns the first i not done.
    private static int PrefixWide(double[] values, Span<double> sums)
    {
        if (!Vector512.IsHardwareAccelerated || !Avx512F.IsSupported)
        {
            return 0;
        }
        ref var v0 = ref MemoryMarshal.GetArrayDataReference(values);
        ref var s0 = ref MemoryMarshal.GetReference(sums);
        // The running total (in every lane) grows by each group's own total: carry + local[7] is the value the group's
        // last sum has, so the only chain from one group to the next is one addition.
        var carry = Vector512<double>.Zero;
        var i = 0;
        for (; i + 8 <= values.Length; i += 8)
        {
            var local = PrefixStep(Vector512.LoadUnsafe(ref v0, (nuint)i));
            (local + carry).StoreUnsafe(ref s0, (nuint)i);
            carry += Vector512.Create(local.GetElement(7));
        }
        return i;
    }

    // The inclusive prefix sum of the eight lanes of v.
    private static Vector512<double> PrefixStep(Vector512<double> v)
    {
        var zero = Vector512<long>.Zero;
        v += Avx512F.AlignRight64(v.AsInt64(), zero, 7).AsDouble(); // lanes shifted up by one, zero in
        v += Avx512F.AlignRight64(v.AsInt64(), zero, 6).AsDouble();
        return v + Avx512F.AlignRight64(v.AsInt64(), zero, 4).AsDouble();
    }

    // d(τ) for τ = 1… 8 at a time (τ = 0 is never used); returns the first τ not done.
    private int DifferenceWide(double e0)
    {
        var tau = 1;
        if (!Vector512.IsHardwareAccelerated || !Avx512F.IsSupported)
        {
            return tau;
        }
        var w = _window;
        var energy0 = Vector512.Create(e0);
        var two = Vector512.Create(2.0);
        ref var energy = ref MemoryMarshal.GetArrayDataReference(_energy);
        ref var correlation = ref MemoryMarshal.GetArrayDataReference(_correlation);
        ref var difference = ref MemoryMarshal.GetArrayDataReference(_difference);
        for (; tau + 8 <= w; tau += 8)
        {
            var at = (nuint)tau;
            var lagged = Vector512.LoadUnsafe(ref energy, at + (nuint)w) - Vector512.LoadUnsafe(ref energy, at);
            var r = Avx512F.ConvertToVector512Double(Vector256.LoadUnsafe(ref correlation, at));
            var d = energy0 + lagged - two * r;
            Vector512.ConditionalSelect(Vector512.LessThan(d, Vector512<double>.Zero), Vector512<double>.Zero, d)
                .StoreUnsafe(ref difference, at);
        }
        return tau;
    }

    // d′(τ) = d(τ)·τ / Σ d for τ = 1… 8 at a time; returns the first τ not done.
    private int NormaliseWide()
    {
        var tau = 1;
        if (!Vector512.IsHardwareAccelerated || !Avx512F.IsSupported)
        {
            return tau;
        }
        var w = _window;
        var floor = Vector512.Create(1e-20);
        var one = Vector256.Create(1f);
        var lanes = Vector512.Create(0.0, 1, 2, 3, 4, 5, 6, 7);
        ref var difference = ref MemoryMarshal.GetArrayDataReference(_difference);
        ref var runningSum = ref MemoryMarshal.GetArrayDataReference(_runningSum);
        ref var cmnd = ref MemoryMarshal.GetArrayDataReference(_cmnd);
        for (; tau + 8 <= w; tau += 8)
        {
            var at = (nuint)tau;
            var sum = Vector512.LoadUnsafe(ref runningSum, at);
            var value = Avx512F.ConvertToVector256Single(Vector512.LoadUnsafe(ref difference, at) * (lanes + Vector512.Create((double)tau)) / sum);
            var energetic = Avx512F.ConvertToVector256Int32(Vector512.GreaterThan(sum, floor).AsInt64()); // 64-bit lanes → 32
            Vector256.ConditionalSelect(energetic.AsSingle(), value, one).StoreUnsafe(ref cmnd, at);
        }
        return tau;
    }

    // The index of the first value below threshold, or −1; a vector of lanes at a time (most frames have no pitch, and
    // their search runs through every lag up to the lowest frequency).
    private static int FirstBelow(ReadOnlySpan<float> values, float threshold)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var limit = new Vector<float>(threshold);
            for (; i + Vector<float>.Count <= values.Length; i += Vector<float>.Count)
            {
                if (Vector.LessThanAny(new Vector<float>(values[i..]), limit))
                {
                    break;
                }
            }
        }
        for (; i < values.Length; i++)
        {
            if (values[i] < threshold)
            {
                return i;
            }
        }
        return -1;
    }

    // Parabola through d′ at τ−1, τ, τ+1; its vertex is the refined period.
    private double Interpolate(int tau)
    {
        double a = _cmnd[tau - 1], b = _cmnd[tau], c = _cmnd[tau + 1];
        var denominator = a - 2 * b + c;
        if (denominator <= 0)
        {
            return tau;
        }
        var shift = 0.5 * (a - c) / denominator;
        return tau + Math.Clamp(shift, -1, 1);
    }
}
