using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Auralis.Dsp;

/// <summary>
/// The median of the last <see cref="Window"/> values of many independent streams at once (e.g. one per frequency bin,
/// sliding over time). Each stream keeps its window sorted; a step replaces the oldest value by the newest
/// (<see cref="SortedWindow"/>). Before the window has filled, the missing older values count as zeros.
/// Allocation-free after construction.
/// </summary>
public sealed class SlidingMedian
{
    private readonly float[] _sorted;   // streams × SortedWindow rows (padded), each ascending
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
        _stride = SortedWindow.RowLength(window);
        _sorted = new float[streams * _stride];
        _history = new float[streams * window];
        Reset();
    }

    private readonly int _stride;

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
            var row = _sorted.AsSpan(s * _stride, _stride);
            ref var slot = ref _history[s * w + _next];
            var oldest = slot;
            var value = values[s];
            if (float.IsNaN(value))
            {
                value = 0; // a NaN has no place in an order; treat it as silence
            }
            slot = value;
            SortedWindow.Replace(row, w, oldest, value);
            medians[s] = row[SortedWindow.First + half];
        }
        if (++_next == w)
        {
            _next = 0;
        }
    }

    /// <summary>Forgets every value (the windows are all zeros again).</summary>
    public void Reset()
    {
        for (var s = 0; s < Streams; s++)
        {
            SortedWindow.Fill(_sorted.AsSpan(s * _stride, _stride), Window, 0f);
        }
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
    /// <paramref name="scratch"/> needs <see cref="ScratchLength"/> floats. Allocation-free.
    /// </summary>
    public static void Apply(ReadOnlySpan<float> x, int kernel, Span<float> y, Span<float> scratch)
    {
        if (kernel % 2 == 0 || kernel < 1)
        {
            throw new ArgumentException("the kernel must be odd and positive", nameof(kernel));
        }
        var n = x.Length;
        var half = kernel / 2;
        var sorted = scratch[..ScratchLength(kernel)];
        // Initial window centred on 0, then slide: remove x[i−half−1], insert x[i+half].
        SortedWindow.Fill(sorted, kernel, 0f);
        var data = sorted.Slice(SortedWindow.First, kernel);
        for (var k = 0; k < kernel; k++)
        {
            data[k] = At(x, k - half);
        }
        data.Sort();
        y[0] = data[half];
        for (var i = 1; i < n; i++)
        {
            var leaving = At(x, i - half - 1);
            var entering = At(x, i + half);
            SortedWindow.Replace(sorted, kernel, leaving, entering);
            y[i] = data[half];
        }
    }

    /// <summary>Floats of scratch <see cref="Apply"/> needs for <paramref name="kernel"/>.</summary>
    public static int ScratchLength(int kernel) => SortedWindow.RowLength(kernel);

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

/// <summary>
/// The one step both medians take, in their innermost loop (two medians per bin per frame in the separator): in an
/// ascending window one value leaves and another enters. A row is laid out for whole-vector work: one pad slot, the
/// window's values from <see cref="First"/>, then +∞ up to a multiple of the vector width and one more pad slot. The
/// step is branch-free: the leaving value's slot i and the entering value's slot j are counts of smaller values, and
/// every slot between them takes its neighbour's value (one vector blend per 8 slots) — neighbouring spectrum values
/// are unrelated, so the scalar walk it replaces mispredicted its exit on nearly every call.
/// </summary>
public static class SortedWindow
{
    /// <summary>Index of a row's first value.</summary>
    public const int First = 1;

    /// <summary>Floats in a row for a window of <paramref name="window"/> values.</summary>
    public static int RowLength(int window) => First + (window + 7) / 8 * 8 + 1;

    /// <summary>Sets a row to <paramref name="window"/> copies of <paramref name="value"/> (and its padding).</summary>
    public static void Fill(Span<float> row, int window, float value)
    {
        row.Fill(float.PositiveInfinity);
        row[0] = float.NegativeInfinity;
        row.Slice(First, window).Fill(value);
    }

    /// <summary>
    /// Replaces one occurrence of <paramref name="leaving"/> (which must be in the row) by <paramref name="entering"/>,
    /// keeping the row ascending. Neither value may be NaN or infinite.
    /// </summary>
    public static void Replace(Span<float> row, int window, float leaving, float entering)
    {
        if (!Vector256.IsHardwareAccelerated || row.Length < RowLength(window))
        {
            ReplaceScalar(row.Slice(First, window), leaving, entering);
            return;
        }
        ref var data = ref Unsafe.Add(ref MemoryMarshal.GetReference(row), First);
        var chunks = (window + 7) / 8;
        var leave = Vector256.Create(leaving);
        var enter = Vector256.Create(entering);
        int below = 0, belowEntering = 0;
        for (var c = 0; c < chunks; c++)
        {
            var v = Vector256.LoadUnsafe(ref data, (nuint)(c * 8));
            below += BitOperations.PopCount(Vector256.LessThan(v, leave).ExtractMostSignificantBits());
            belowEntering += BitOperations.PopCount(Vector256.LessThan(v, enter).ExtractMostSignificantBits());
        }
        var i = below;                                                     // the leaving value's first slot
        var j = entering > leaving ? belowEntering - 1 : belowEntering;    // the entering value's slot once i is gone
        var iv = Vector256.Create(i);
        var jv = Vector256.Create(j);
        var lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        // Every chunk is computed from the old row before any is stored (a store must not feed a neighbour's shifted
        // load), and without branching on i and j: slots outside [min(i, j), max(i, j)] select their own value.
        Span<Vector256<float>> results = stackalloc Vector256<float>[chunks];
        for (var c = 0; c < chunks; c++)
        {
            var offset = c * 8;
            var same = Vector256.LoadUnsafe(ref data, (nuint)offset);
            var next = Vector256.LoadUnsafe(ref Unsafe.Add(ref data, offset + 1));
            var prior = Vector256.LoadUnsafe(ref Unsafe.Add(ref data, offset - 1));
            var k = lanes + Vector256.Create(offset);
            var takeNext = Vector256.GreaterThanOrEqual(k, iv) & Vector256.LessThan(k, jv);
            var takePrior = Vector256.GreaterThan(k, jv) & Vector256.LessThanOrEqual(k, iv);
            var isJ = Vector256.Equals(k, jv);
            var result = Vector256.ConditionalSelect(takeNext.AsSingle(), next, same);
            result = Vector256.ConditionalSelect(takePrior.AsSingle(), prior, result);
            results[c] = Vector256.ConditionalSelect(isJ.AsSingle(), enter, result);
        }
        for (var c = 0; c < chunks; c++)
        {
            results[c].StoreUnsafe(ref data, (nuint)(c * 8));
        }
    }

    // The same step for a plain ascending span, where vectors are not available.
    private static void ReplaceScalar(Span<float> row, float leaving, float entering)
    {
        var i = 0;
        while (row[i] < leaving)
        {
            i++;
        }
        if (entering > leaving)
        {
            while (i < row.Length - 1 && row[i + 1] < entering)
            {
                row[i] = row[i + 1];
                i++;
            }
        }
        else
        {
            while (i > 0 && row[i - 1] > entering)
            {
                row[i] = row[i - 1];
                i--;
            }
        }
        row[i] = entering;
    }
}
