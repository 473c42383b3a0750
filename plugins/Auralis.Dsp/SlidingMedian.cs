using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
        if (SortedWindow.InRegisters(w))
        {
            PushInRegisters(values, medians);
            return;
        }
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

    // The same steps with each row's two vectors taken into registers (see SortedWindow.Replace(ref, ref, …)).
    private void PushInRegisters(ReadOnlySpan<float> values, Span<float> medians)
    {
        var w = Window;
        var half = SortedWindow.First + w / 2;
        ref var sorted = ref MemoryMarshal.GetArrayDataReference(_sorted);
        ref var history = ref MemoryMarshal.GetArrayDataReference(_history);
        var streams = Math.Min(Streams, Math.Min(values.Length, medians.Length));
        for (var s = 0; s < streams; s++)
        {
            ref var row = ref Unsafe.Add(ref sorted, s * _stride);
            ref var slot = ref Unsafe.Add(ref history, s * w + _next);
            var oldest = slot;
            var value = values[s];
            if (float.IsNaN(value))
            {
                value = 0; // a NaN has no place in an order; treat it as silence
            }
            slot = value;
            ref var data = ref Unsafe.Add(ref row, SortedWindow.First);
            var low = Vector512.LoadUnsafe(ref data);
            var high = Vector512.LoadUnsafe(ref data, 16);
            SortedWindow.Replace(ref low, ref high, oldest, value);
            low.StoreUnsafe(ref data);
            high.StoreUnsafe(ref data, 16);
            medians[s] = Unsafe.Add(ref row, half);
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
        if (SortedWindow.InRegisters(kernel) && n >= Chains * MinimumChainLength)
        {
            ApplyInRegisters(x, kernel, y);
            return;
        }
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

    // The filter's steps form one chain (each window is the previous one plus one value, minus one), so a single chain
    // runs at the latency of a step. Cutting the array into a few stretches, each started from its own sorted window,
    // gives the processor independent chains to overlap; every output is still the exact median of its own window.
    private const int Chains = 4;
    private const int MinimumChainLength = 16;

    private static void ApplyInRegisters(ReadOnlySpan<float> x, int kernel, Span<float> y)
    {
        var n = x.Length;
        var half = kernel / 2;
        var length = (n + Chains - 1) / Chains;            // chains 0..2 cover this many outputs, the last the rest
        var lastLength = n - (Chains - 1) * length;
        var low0 = Start(x, kernel, 0, out var high0);
        var low1 = Start(x, kernel, length, out var high1);
        var low2 = Start(x, kernel, 2 * length, out var high2);
        var low3 = Start(x, kernel, 3 * length, out var high3);
        var pick = Vector512.Create(half);
        y[0] = SortedWindow.Element(low0, pick);
        y[length] = SortedWindow.Element(low1, pick);
        y[2 * length] = SortedWindow.Element(low2, pick);
        y[3 * length] = SortedWindow.Element(low3, pick);
        for (var t = 1; t < lastLength; t++)
        {
            Step(x, kernel, t, ref low0, ref high0, y, pick);
            Step(x, kernel, length + t, ref low1, ref high1, y, pick);
            Step(x, kernel, 2 * length + t, ref low2, ref high2, y, pick);
            Step(x, kernel, 3 * length + t, ref low3, ref high3, y, pick);
        }
        for (var t = lastLength; t < length; t++)
        {
            Step(x, kernel, t, ref low0, ref high0, y, pick);
            Step(x, kernel, length + t, ref low1, ref high1, y, pick);
            Step(x, kernel, 2 * length + t, ref low2, ref high2, y, pick);
        }
    }

    // The sorted window centred on x[i], as two vectors (+∞ beyond the kernel): from a row of +∞, each of the kernel's
    // values replaces one +∞ (the step's falling case inserts it in order) — a few vector operations per value where
    // sorting the window took a branchy insertion sort.
    private static Vector512<float> Start(ReadOnlySpan<float> x, int kernel, int i, out Vector512<float> high)
    {
        var half = kernel / 2;
        var low = Vector512.Create(float.PositiveInfinity);
        high = low;
        for (var k = 0; k < kernel; k++)
        {
            SortedWindow.Replace(ref low, ref high, float.PositiveInfinity, At(x, i + k - half));
        }
        return low;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(ReadOnlySpan<float> x, int kernel, int i, ref Vector512<float> low, ref Vector512<float> high,
        Span<float> y, Vector512<int> pick)
    {
        var half = kernel / 2;
        SortedWindow.Replace(ref low, ref high, Inside(x, i - half - 1), Inside(x, i + half));
        y[i] = SortedWindow.Element(low, pick);
    }

    // x[i] where i is usually inside the array (the mirrored edges otherwise), NaN as 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Inside(ReadOnlySpan<float> x, int i)
    {
        if ((uint)i >= (uint)x.Length)
        {
            return At(x, i);
        }
        var value = x[i];
        return float.IsNaN(value) ? 0 : value;
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
    public static int RowLength(int window) => First + (window + 15) / 16 * 16 + 1;

    /// <summary>
    /// True when windows of <paramref name="window"/> values take the register form of the step
    /// (<see cref="Replace(ref Vector512{float}, ref Vector512{float}, float, float)"/>): up to 32 values, AVX-512.
    /// </summary>
    public static bool InRegisters(int window) => window <= 32 && Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    /// <summary>
    /// <see cref="Replace(Span{float}, int, float, float)"/> on a window of up to 32 values held in two vectors
    /// (slots 0–15 in <paramref name="low"/>, 16–31 in <paramref name="high"/>, +∞ beyond the window). A row's
    /// neighbours come from lane shifts across the two registers rather than from reloading it one slot off, and each
    /// slot's new value is a min/max of its own value, its neighbour and the entering value, chosen by comparisons with
    /// the leaving value — no counting of slots, so a chain of steps (the median across bins) waits only on a few
    /// vector operations per step.
    /// </summary>
    /// <remarks>
    /// Entering above leaving: slots below the leaving value keep theirs; the others take
    /// min(next, max(entering, own)) — the next slot's value up to the entering value's place, the entering value
    /// there, their own above it. Entering at or below leaving, mirrored: slots above the leaving value keep theirs, the
    /// others take max(prior, min(entering, own)). Equal values are interchangeable, so this is the same row the
    /// shifting step makes. The leaving value may be +∞ while the row still has +∞ slots: that inserts the entering
    /// value into a row being filled. (The plain vminps/vmaxps suffice: values are never NaN, and magnitudes never −0.)
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Replace(ref Vector512<float> low, ref Vector512<float> high, float leaving, float entering)
    {
        var leave = Vector512.Create(leaving);
        var enter = Vector512.Create(entering);
        var up = Vector512.GreaterThan(enter, leave);
        var l = low.AsInt32();
        var h = high.AsInt32();
        var nextLow = Avx512F.AlignRight32(h, l, 1).AsSingle();                                   // slots 1…16
        var nextHigh = Avx512F.AlignRight32(Vector512.Create(float.PositiveInfinity).AsInt32(), h, 1).AsSingle();
        var priorLow = Avx512F.AlignRight32(l, Vector512.Create(float.NegativeInfinity).AsInt32(), 15).AsSingle();
        var priorHigh = Avx512F.AlignRight32(h, l, 15).AsSingle();                                // slots 15…30
        low = Step(low, nextLow, priorLow, leave, enter, up);
        high = Step(high, nextHigh, priorHigh, leave, enter, up);
    }

    /// <summary>Lane <c>lane</c> of <paramref name="vector"/> (all lanes of <paramref name="lane"/> equal).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Element(Vector512<float> vector, Vector512<int> lane) => Avx512F.PermuteVar16x32(vector, lane).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Step(Vector512<float> own, Vector512<float> next, Vector512<float> prior,
        Vector512<float> leave, Vector512<float> enter, Vector512<float> up)
    {
        var rising = Vector512.ConditionalSelect(Vector512.LessThan(own, leave), own,
            Vector512.MinNative(next, Vector512.MaxNative(enter, own)));
        var falling = Vector512.ConditionalSelect(Vector512.GreaterThan(own, leave), own,
            Vector512.MaxNative(prior, Vector512.MinNative(enter, own)));
        return Vector512.ConditionalSelect(up, rising, falling);
    }

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
