namespace Auralis.Engine.Graph;

/// <summary>A fixed delay of whole samples, preallocated; the graph uses it to align parallel paths.</summary>
internal sealed class DelayLine
{
    private readonly float[] _ring;
    private int _write;

    public DelayLine(int delay)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(delay);
        Delay = delay;
        _ring = new float[Math.Max(1, delay)];
    }

    public int Delay { get; }

    /// <summary>Writes <paramref name="source"/> delayed into <paramref name="destination"/> (replacing or adding).</summary>
    public void Process(ReadOnlySpan<float> source, Span<float> destination, bool add)
    {
        if (Delay == 0)
        {
            if (add)
            {
                Realtime.SampleMath.AddScaled(source, 1f, destination);
            }
            else
            {
                source.CopyTo(destination);
            }
            return;
        }
        var n = source.Length;
        var ring = _ring;
        var w = _write;
        for (var i = 0; i < n; i++)
        {
            var delayed = ring[w];
            ring[w] = source[i];
            if (add)
            {
                destination[i] += delayed;
            }
            else
            {
                destination[i] = delayed;
            }
            if (++w == ring.Length)
            {
                w = 0;
            }
        }
        _write = w;
    }

    public void Clear()
    {
        Array.Clear(_ring);
        _write = 0;
    }
}
