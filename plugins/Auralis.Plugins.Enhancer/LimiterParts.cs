namespace Auralis.Plugins.Enhancer;

/// <summary>
/// True-peak estimate of one channel with 4× oversampling (ITU-R BS.1770-4 Annex 2): a polyphase windowed-sinc
/// interpolator yields, for each input sample, the signal at four points a quarter sample apart; the estimate is their
/// largest magnitude. Phase 0 is the input itself delayed by <see cref="Delay"/> samples.
/// </summary>
internal sealed class TruePeakDetector
{
    /// <summary>Oversampling factor.</summary>
    public const int Factor = 4;

    /// <summary>Taps per phase (the standard's example uses 12; 16 under-reads less near Nyquist).</summary>
    public const int TapsPerPhase = 16;

    /// <summary>Samples by which the estimate lags the input.</summary>
    public const int Delay = TapsPerPhase / 2;

    private static readonly float[] Coefficients = Design();
    private readonly float[] _history = new float[2 * TapsPerPhase];
    private int _at;

    /// <summary>Pushes one sample; returns the largest magnitude of the four interpolated points ending Delay samples ago.</summary>
    public float Push(float x)
    {
        // History is kept twice, so the last TapsPerPhase samples are always one contiguous span.
        _at = _at == 0 ? TapsPerPhase - 1 : _at - 1;
        _history[_at] = x;
        _history[_at + TapsPerPhase] = x;
        var recent = _history.AsSpan(_at, TapsPerPhase); // recent[j] = x[n - j]
        var peak = 0f;
        for (var phase = 0; phase < Factor; phase++)
        {
            var taps = Coefficients.AsSpan(phase * TapsPerPhase, TapsPerPhase);
            var sum = 0f;
            for (var j = 0; j < TapsPerPhase; j++)
            {
                sum += taps[j] * recent[j];
            }
            peak = MathF.Max(peak, MathF.Abs(sum));
        }
        return peak;
    }

    /// <summary>Forgets the history.</summary>
    public void Clear()
    {
        Array.Clear(_history);
        _at = 0;
    }

    // h[k] = sinc((k - 2T) / 4) · Kaiser(β = 8), k = 0 … 4T−1, split into phases: phase φ tap j is h[4j + φ]; each
    // phase is scaled to unit DC gain so a constant input reads exactly.
    private static float[] Design()
    {
        const int length = Factor * TapsPerPhase;
        const double beta = 8.0;
        var h = new double[length];
        for (var k = 0; k < length; k++)
        {
            var t = (k - (2.0 * TapsPerPhase)) / Factor;
            var sinc = t == 0 ? 1 : Math.Sin(Math.PI * t) / (Math.PI * t);
            var r = (k - (2.0 * TapsPerPhase)) / (2.0 * TapsPerPhase);
            h[k] = sinc * BesselI0(beta * Math.Sqrt(Math.Max(0, 1 - (r * r)))) / BesselI0(beta);
        }
        var result = new float[length];
        for (var phase = 0; phase < Factor; phase++)
        {
            var sum = 0.0;
            for (var j = 0; j < TapsPerPhase; j++)
            {
                sum += h[(Factor * j) + phase];
            }
            for (var j = 0; j < TapsPerPhase; j++)
            {
                result[(phase * TapsPerPhase) + j] = (float)(h[(Factor * j) + phase] / sum);
            }
        }
        return result;
    }

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1;
        for (var k = 1; k < 50; k++)
        {
            term *= x / (2 * k) * (x / (2 * k));
            sum += term;
        }
        return sum;
    }
}

/// <summary>The minimum of the last N values, in O(1) amortised per value, without allocating (monotonic queue).</summary>
internal sealed class SlidingMinimum(int length)
{
    private readonly float[] _values = new float[length];
    private readonly long[] _positions = new long[length];
    private int _head, _count;
    private long _position;

    /// <summary>Window length.</summary>
    public int Length => length;

    /// <summary>Adds a value; returns the minimum of the last <see cref="Length"/> values (fewer right after a clear).</summary>
    public float Push(float value)
    {
        // Drop the front once it leaves the window, then the values that can never be the minimum again (not smaller
        // than the newcomer); what stays is increasing from front to back.
        if (_count > 0 && _positions[_head] <= _position - length)
        {
            _head = (_head + 1) % length;
            _count--;
        }
        while (_count > 0 && _values[(_head + _count - 1) % length] >= value)
        {
            _count--;
        }
        var tail = (_head + _count) % length;
        _values[tail] = value;
        _positions[tail] = _position;
        _count++;
        _position++;
        return _values[_head];
    }

    /// <summary>Empties the window.</summary>
    public void Clear() => _head = _count = 0;
}

/// <summary>The mean of the last N values (a running sum in double precision over a ring).</summary>
internal sealed class MovingAverage(int length, float initial)
{
    private readonly float[] _ring = CreateRing(length, initial);
    private double _sum = (double)initial * length;
    private int _at;

    /// <summary>Adds a value; returns the mean of the last N values.</summary>
    public float Push(float value)
    {
        _sum += value - _ring[_at];
        _ring[_at] = value;
        _at = _at + 1 == length ? 0 : _at + 1;
        return (float)(_sum / length);
    }

    /// <summary>Fills the window with <paramref name="value"/>.</summary>
    public void Fill(float value)
    {
        Array.Fill(_ring, value);
        _sum = (double)value * length;
        _at = 0;
    }

    private static float[] CreateRing(int length, float initial)
    {
        var ring = new float[length];
        Array.Fill(ring, initial);
        return ring;
    }
}

/// <summary>A fixed delay of N samples.</summary>
internal sealed class SampleDelay(int length)
{
    private readonly float[] _ring = new float[Math.Max(1, length)];
    private int _at;

    /// <summary>Pushes a sample; returns the one pushed N samples ago (0 while the line fills).</summary>
    public float Push(float x)
    {
        if (length == 0)
        {
            return x;
        }
        var y = _ring[_at];
        _ring[_at] = x;
        _at = _at + 1 == length ? 0 : _at + 1;
        return y;
    }

    /// <summary>Clears the line.</summary>
    public void Clear()
    {
        Array.Clear(_ring);
        _at = 0;
    }
}
