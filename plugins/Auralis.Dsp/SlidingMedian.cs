namespace Auralis.Dsp;

/// <summary>
/// The median of the last <see cref="Window"/> values of many independent streams at once (e.g. one per frequency bin,
/// sliding over time). Each stream keeps its window sorted; a step removes the oldest value and inserts the newest by
/// binary search and one block move, O(window) per stream. Before the window has filled, the missing older values
/// count as zeros. Allocation-free after construction.
/// </summary>
public sealed class SlidingMedian
{
    private readonly float[] _sorted;   // streams × window, each row ascending
    private readonly float[] _history;  // streams × window ring of values in arrival order
    private int _next;                  // ring position of the oldest value

    /// <summary>Creates the median of <paramref name="window"/> values (odd) for <paramref name="streams"/> streams.</summary>
    public SlidingMedian(int streams, int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(streams, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        if (window % 2 == 0)
        {
            throw new ArgumentException("the window must be odd so the median is one of its values", nameof(window));
        }
        Streams = streams;
        Window = window;
        _sorted = new float[streams * window];
        _history = new float[streams * window];
    }

    /// <summary>Number of independent streams.</summary>
    public int Streams { get; }

    /// <summary>Values per median.</summary>
    public int Window { get; }

    /// <summary>Adds one value to every stream and writes each stream's median of its last <see cref="Window"/> values.</summary>
    public void Push(ReadOnlySpan<float> values, Span<float> medians)
    {
        var w = Window;
        var half = w / 2;
        for (var s = 0; s < Streams; s++)
        {
            var row = _sorted.AsSpan(s * w, w);
            ref var slot = ref _history[s * w + _next];
            var oldest = slot;
            var value = values[s];
            if (float.IsNaN(value))
            {
                value = 0; // a NaN has no place in an order; treat it as silence
            }
            slot = value;
            var from = row.BinarySearch(oldest);
            if (from < 0)
            {
                from = ~from; // cannot happen for a value in the row; kept for safety
            }
            var to = row.BinarySearch(value);
            if (to < 0)
            {
                to = ~to;
            }
            if (to > from)
            {
                // Removing row[from] shifts the insertion point left by one.
                to--;
                row.Slice(from + 1, to - from).CopyTo(row[from..]);
            }
            else if (to < from)
            {
                row.Slice(to, from - to).CopyTo(row[(to + 1)..]);
            }
            row[to] = value;
            medians[s] = row[half];
        }
        if (++_next == w)
        {
            _next = 0;
        }
    }

    /// <summary>Forgets every value (the windows are all zeros again).</summary>
    public void Reset()
    {
        Array.Clear(_sorted);
        Array.Clear(_history);
        _next = 0;
    }
}

/// <summary>A median filter along one array (e.g. across frequency bins of one frame).</summary>
public static class MedianFilter
{
    /// <summary>
    /// y[i] = median of x[i − k/2 … i + k/2] with the edges extended by mirror reflection including the edge sample
    /// (scipy.ndimage's <c>reflect</c> mode, which librosa's HPSS uses): x[−1] = x[0], x[−2] = x[1], …
    /// <paramref name="scratch"/> needs <c>kernel</c> floats. Allocation-free.
    /// </summary>
    public static void Apply(ReadOnlySpan<float> x, int kernel, Span<float> y, Span<float> scratch)
    {
        if (kernel % 2 == 0 || kernel < 1)
        {
            throw new ArgumentException("the kernel must be odd and positive", nameof(kernel));
        }
        var n = x.Length;
        var half = kernel / 2;
        var sorted = scratch[..kernel];
        // Initial window centred on 0, then slide: remove x[i−half−1], insert x[i+half].
        for (var k = 0; k < kernel; k++)
        {
            sorted[k] = At(x, k - half);
        }
        sorted.Sort();
        y[0] = sorted[half];
        for (var i = 1; i < n; i++)
        {
            var leaving = At(x, i - half - 1);
            var entering = At(x, i + half);
            var from = sorted.BinarySearch(leaving);
            var to = sorted.BinarySearch(entering);
            if (to < 0)
            {
                to = ~to;
            }
            if (to > from)
            {
                to--;
                sorted.Slice(from + 1, to - from).CopyTo(sorted[from..]);
            }
            else if (to < from)
            {
                sorted.Slice(to, from - to).CopyTo(sorted[(to + 1)..]);
            }
            sorted[to] = entering;
            y[i] = sorted[half];
        }
    }

    private static float At(ReadOnlySpan<float> x, int i)
    {
        var n = x.Length;
        if (n == 1)
        {
            return x[0];
        }
        // Reflect about the edges (d c b a | a b c d | d c b a) until inside.
        var period = 2 * n;
        i %= period;
        if (i < 0)
        {
            i += period;
        }
        var v = i < n ? i : period - 1 - i;
        var value = x[v];
        return float.IsNaN(value) ? 0 : value;
    }
}
