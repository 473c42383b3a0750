using Auralis.Dsp;

namespace Auralis.Plugins.Enhancer;

/// <summary>
/// True-peak estimate of one channel with 4× oversampling (ITU-R BS.1770-4 Annex 2), through the shared polyphase
/// resampler: for each input sample, the signal at four points a quarter sample apart; the estimate is their largest
/// magnitude, lagging the input by <see cref="Delay"/> samples (rounded up).
/// </summary>
internal sealed class TruePeakDetector
{
    /// <summary>Oversampling factor.</summary>
    public const int Factor = 4;

    /// <summary>Taps per phase (the standard's example uses 12; 32 keeps the passband within 0.1 dB up to 0.9 of Nyquist,
    /// so quarter-rate tones are not under-read).</summary>
    public const int TapsPerPhase = 32;

    /// <summary>Samples by which the estimate lags the input (at least the resampler's delay).</summary>
    public const int Delay = TapsPerPhase / 2;

    private readonly PolyphaseResampler _oversampler = new(Factor, 1, TapsPerPhase, cutoff: 0.95);
    private readonly float[] _one = new float[1];
    private readonly float[] _points = new float[Factor + 1];

    public TruePeakDetector()
    {
        if (_oversampler.DelayInInputSamples > Delay)
        {
            throw new InvalidOperationException($"the oversampler lags {_oversampler.DelayInInputSamples} samples, more than {Delay}");
        }
    }

    /// <summary>Pushes one sample; returns the largest magnitude of its four interpolated points.</summary>
    public float Push(float x)
    {
        _one[0] = x;
        var n = _oversampler.Process(_one, _points);
        var peak = 0f;
        for (var i = 0; i < n; i++)
        {
            peak = MathF.Max(peak, MathF.Abs(_points[i]));
        }
        return peak;
    }

    /// <summary>Forgets the history.</summary>
    public void Clear() => _oversampler.Reset();
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

/// <summary>A fixed delay of N samples, over the shared ring buffer.</summary>
internal sealed class SampleDelay(int length)
{
    private readonly RingBuffer _ring = new(length + 1);

    /// <summary>Pushes a sample; returns the one pushed N samples ago (0 while the line fills).</summary>
    public float Push(float x)
    {
        _ring.Write(x);
        return _ring.Ago(length);
    }

    /// <summary>Clears the line.</summary>
    public void Clear() => _ring.Clear();
}
