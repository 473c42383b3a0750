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
        ref var coefficients = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_byTap!);
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
            var sum = System.Runtime.Intrinsics.Vector128<float>.Zero;
            for (var k = 0; k < taps; k++)
            {
                sum += System.Runtime.Intrinsics.Vector128.Create(System.Runtime.CompilerServices.Unsafe.Add(ref window, k))
                    * System.Runtime.Intrinsics.Vector128.LoadUnsafe(ref coefficients, (nuint)(k * 4));
            }
            System.Runtime.Intrinsics.Vector128.CopyTo(sum, output[written..]);
            written += 4;
        }
        return written;
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
