namespace Auralis.Dsp;

/// <summary>A fixed-capacity history of the most recent samples, for delays and look-back. Allocation-free.</summary>
public sealed class RingBuffer
{
    private readonly float[] _data;
    private int _write;

    /// <summary>Creates a buffer remembering <paramref name="capacity"/> samples (initially zeros).</summary>
    public RingBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _data = new float[capacity];
    }

    /// <summary>Samples remembered.</summary>
    public int Capacity => _data.Length;

    /// <summary>Appends samples (the oldest fall out).</summary>
    public void Write(ReadOnlySpan<float> samples)
    {
        if (samples.Length >= _data.Length)
        {
            samples[^_data.Length..].CopyTo(_data);
            _write = 0;
            return;
        }
        var first = Math.Min(samples.Length, _data.Length - _write);
        samples[..first].CopyTo(_data.AsSpan(_write));
        samples[first..].CopyTo(_data);
        _write = (_write + samples.Length) % _data.Length;
    }

    /// <summary>Appends one sample.</summary>
    public void Write(float sample)
    {
        _data[_write] = sample;
        if (++_write == _data.Length)
        {
            _write = 0;
        }
    }

    /// <summary>The sample written <paramref name="age"/> samples ago (0 = the newest, Capacity − 1 = the oldest).</summary>
    public float Ago(int age) => _data[(_write - 1 - age + 2 * _data.Length) % _data.Length];

    /// <summary>Copies the most recent <paramref name="destination"/>.Length samples, oldest first.</summary>
    public void CopyLatest(Span<float> destination)
    {
        var n = destination.Length;
        if (n > _data.Length)
        {
            throw new ArgumentException($"only {_data.Length} samples are remembered", nameof(destination));
        }
        var start = (_write - n + _data.Length) % _data.Length;
        var first = Math.Min(n, _data.Length - start);
        _data.AsSpan(start, first).CopyTo(destination);
        _data.AsSpan(0, n - first).CopyTo(destination[first..]);
    }

    /// <summary>Back to all zeros.</summary>
    public void Clear()
    {
        Array.Clear(_data);
        _write = 0;
    }
}
