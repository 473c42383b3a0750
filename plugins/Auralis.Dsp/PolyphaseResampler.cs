using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Auralis.Dsp;

/// <summary>
/// Streaming rational resampling by <c>up/down</c> with a Kaiser-windowed sinc low-pass (polyphase, so only the
/// needed outputs are computed). Used for oversampling (true peak: up 4, down 1) and rate conversion. The output lags
/// the input by <see cref="DelayInInputSamples"/>. Allocation-free after construction.
/// </summary>
public sealed class PolyphaseResampler
{
    private readonly int _up;
    private readonly int _down;
    private readonly int _tapsPerPhase;
    private readonly float[][] _phases; // phase p: h[p + k·up]·up, reversed for a dot product with the history
    private readonly float[]? _byTap;   // 4× oversampling: tap k's four phases side by side, so one 4-lane step per tap
    private readonly float[] _history;  // the last tapsPerPhase inputs, twice (so a window is always contiguous)
    private readonly float[] _run;      // MaxMagnitude (4×): the last tapsPerPhase − 1 inputs, then new ones
    private int _at;
    private int _phase; // phase of the next output, in units of 1/up input samples

    /// <summary>Creates a resampler.</summary>
    /// <param name="up">Interpolation factor.</param>
    /// <param name="down">Decimation factor.</param>
    /// <param name="tapsPerPhase">Filter length per phase (even; 12–48 typical).</param>
    /// <param name="cutoff">Low-pass cutoff as a fraction of the lower Nyquist frequency (0.8–0.95 typical).</param>
    /// <param name="kaiserBeta">Kaiser window β (stop-band attenuation; 8 ≈ 80 dB).</param>
    public PolyphaseResampler(int up, int down, int tapsPerPhase = 32, double cutoff = 0.9, double kaiserBeta = 8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(up, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(down, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tapsPerPhase, 2);
        _up = up;
        _down = down;
        _tapsPerPhase = tapsPerPhase;
        var length = tapsPerPhase * up;
        var fc = cutoff * 0.5 / Math.Max(up, down); // normalised to the up-sampled rate
        var centre = (length - 1) / 2.0;
        var h = new double[length];
        for (var n = 0; n < length; n++)
        {
            var t = n - centre;
            var sinc = t == 0 ? 2 * fc : Math.Sin(2 * Math.PI * fc * t) / (Math.PI * t);
            var r = 2.0 * n / (length - 1) - 1;
            h[n] = sinc * BesselI0(kaiserBeta * Math.Sqrt(Math.Max(0, 1 - r * r))) / BesselI0(kaiserBeta) * up;
        }
        _phases = new float[up][];
        for (var p = 0; p < up; p++)
        {
            _phases[p] = new float[tapsPerPhase];
            for (var k = 0; k < tapsPerPhase; k++)
            {
                _phases[p][tapsPerPhase - 1 - k] = (float)h[p + k * up];
            }
        }
        if (up == 4 && down == 1)
        {
            _byTap = new float[tapsPerPhase * 4];
            for (var k = 0; k < tapsPerPhase; k++)
            {
                for (var p = 0; p < 4; p++)
                {
                    _byTap[k * 4 + p] = _phases[p][k];
                }
            }
        }
        _history = new float[2 * tapsPerPhase];
        _run = up == 4 && down == 1 ? new float[tapsPerPhase - 1 + RunLength] : [];
        DelayInInputSamples = centre / up;
    }

    /// <summary>How far the output lags the input, in input samples.</summary>
    public double DelayInInputSamples { get; }

    /// <summary>The most outputs <see cref="Process"/> can produce for <paramref name="inputs"/> inputs.</summary>
    public int MaxOutputs(int inputs) => (int)(((long)inputs * _up + _down - 1) / _down) + 1;

    /// <summary>Resamples <paramref name="input"/>; returns how many samples were written to <paramref name="output"/>.</summary>
    public int Process(ReadOnlySpan<float> input, Span<float> output)
    {
        if (_byTap is not null)
        {
            return Oversample4(input, output);
        }
        var written = 0;
        var taps = _tapsPerPhase;
        foreach (var x in input)
        {
            _history[_at] = x;
            _history[_at + taps] = x;
            if (++_at == taps)
            {
                _at = 0;
            }
            // Outputs whose time falls within this input sample's interval.
            while (_phase < _up)
            {
                var window = _history.AsSpan(_at, taps);
                output[written++] = SpanMath.Dot(window, _phases[_phase]);
                _phase += _down;
            }
            _phase -= _up;
        }
        return written;
    }

    // up 4, down 1 (true peak): each input makes four outputs, all four phases at once, one multiply-add per tap.
    // Four dot products of a dozen taps were the loudness meter's largest cost.
    private int Oversample4(ReadOnlySpan<float> input, Span<float> output)
    {
        var taps = _tapsPerPhase;
        if (output.Length < input.Length * 4)
        {
            throw new ArgumentException($"output needs {input.Length * 4} samples", nameof(output));
        }
        ref var coefficients = ref MemoryMarshal.GetArrayDataReference(_byTap!);
        var written = 0;
        foreach (var x in input)
        {
            _history[_at] = x;
            _history[_at + taps] = x;
            if (++_at == taps)
            {
                _at = 0;
            }
            ref var window = ref _history[_at];
            var sum = Vector128<float>.Zero;
            for (var k = 0; k < taps; k++)
            {
                sum += Vector128.Create(Unsafe.Add(ref window, k))
                    * Vector128.LoadUnsafe(ref coefficients, (nuint)(k * 4));
            }
            Vector128.CopyTo(sum, output[written..]);
            written += 4;
        }
        return written;
    }

    // Inputs per stretch of MaxMagnitude: the copy of the history before each stretch stays small beside it.
    private const int RunLength = 1024;

    /// <summary>
    /// Takes <paramref name="input"/> as <see cref="Process"/> would, for 4× oversampling only (the true peak's), but
    /// returns only the largest finite magnitude among the outputs, 0 when there are none, instead of writing them.
    /// Each output comes from the same operations in the same order as in <see cref="Process"/>, so the value is the
    /// same bit for bit, but sixteen input samples are taken at once (one vector lane each) rather than one at a time.
    /// The two may be mixed on one stream.
    /// </summary>
    public float MaxMagnitude(ReadOnlySpan<float> input)
    {
        if (_byTap is null)
        {
            throw new InvalidOperationException("MaxMagnitude is for 4× oversampling (up 4, down 1)");
        }
        var keep = _tapsPerPhase - 1;
        var run = _run.AsSpan();
        _history.AsSpan(_at + 1, keep).CopyTo(run);
        var peak = 0f;
        while (!input.IsEmpty)
        {
            var n = Math.Min(input.Length, RunLength);
            input[..n].CopyTo(run[keep..]);
            peak = MathF.Max(peak, MaxMagnitudeOfRun(n));
            run.Slice(n, keep).CopyTo(run);
            input = input[n..];
        }
        // Back into the ring, oldest first from index 1 and again a ring's length on; the next input lands at 0.
        run[..keep].CopyTo(_history.AsSpan(1));
        run[..keep].CopyTo(_history.AsSpan(_tapsPerPhase + 1));
        _at = 0;
        return peak;
    }

    // The four outputs of each of the run's last n inputs: for input j and phase p, Σ_k run[j + k]·phases[p][k], k
    // ascending, each product rounded before it is added (as Oversample4 does), sixteen inputs in the lanes of four
    // sums. (Where 512-bit vectors are not accelerated .NET runs them as two 256-bit halves: the same values.)
    private float MaxMagnitudeOfRun(int n)
    {
        var taps = _tapsPerPhase;
        ref var run = ref MemoryMarshal.GetArrayDataReference(_run);
        ref var coefficients = ref MemoryMarshal.GetArrayDataReference(_byTap!);
        var top = Vector512<float>.Zero;
        var j = 0;
        for (; j <= n - Vector512<float>.Count; j += Vector512<float>.Count)
        {
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
            for (var k = 0; k < taps; k++)
            {
                var x = Vector512.LoadUnsafe(ref run, (nuint)(j + k));
                ref var c = ref Unsafe.Add(ref coefficients, k * 4);
                s0 += x * Vector512.Create(c);
                s1 += x * Vector512.Create(Unsafe.Add(ref c, 1));
                s2 += x * Vector512.Create(Unsafe.Add(ref c, 2));
                s3 += x * Vector512.Create(Unsafe.Add(ref c, 3));
            }
            top = Vector512.Max(Vector512.Max(top, FiniteMagnitude(s0)), FiniteMagnitude(s1));
            top = Vector512.Max(Vector512.Max(top, FiniteMagnitude(s2)), FiniteMagnitude(s3));
        }
        var peak = 0f;
        for (var lane = 0; lane < Vector512<float>.Count; lane++)
        {
            peak = MathF.Max(peak, top[lane]);
        }
        for (; j < n; j++)
        {
            for (var p = 0; p < 4; p++)
            {
                var sum = 0f;
                for (var k = 0; k < taps; k++)
                {
                    sum += Unsafe.Add(ref run, j + k) * Unsafe.Add(ref coefficients, k * 4 + p);
                }
                var magnitude = MathF.Abs(sum);
                if (magnitude > peak && float.IsFinite(magnitude))
                {
                    peak = magnitude;
                }
            }
        }
        return peak;
    }

    // |x| where finite, else 0 (NaN fails the comparison).
    private static Vector512<float> FiniteMagnitude(Vector512<float> x)
    {
        var magnitude = Vector512.Abs(x);
        var finite = Vector512.LessThan(magnitude, Vector512.Create(float.PositiveInfinity));
        return Vector512.ConditionalSelect(finite, magnitude, default);
    }

    /// <summary>Clears the history.</summary>
    public void Reset()
    {
        Array.Clear(_history);
        _at = 0;
        _phase = 0;
    }

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, q = x * x / 4;
        for (var k = 1; k < 64; k++)
        {
            term *= q / (k * k);
            sum += term;
            if (term < 1e-14 * sum)
            {
                break;
            }
        }
        return sum;
    }
}
