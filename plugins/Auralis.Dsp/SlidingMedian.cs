using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Auralis.Dsp;

/// <summary>
/// The median of the last <see cref="Window"/> values of many independent streams at once (e.g. one per frequency bin,
/// sliding over time). The streams' windows are kept sorted side by side, one stream per vector lane
/// (<see cref="SortedColumns"/>); a step replaces each stream's oldest value by its newest. Before the window has
/// filled, the missing older values count as zeros. Allocation-free after construction.
/// </summary>
public sealed class SlidingMedian
{
    // Streams are padded to a whole number of the widest vectors; the padding lanes just hold zeros.
    private const int Padding = 16;

    private readonly int _width;        // streams rounded up to Padding
    private readonly float[] _rows;     // Window rows × _width: row r holds each stream's r-th smallest value
    private readonly float[] _history;  // Window rows × _width: a ring of the values in arrival order
    private readonly float[] _incoming, _medians;
    private int _next;                  // ring row of the oldest values

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
        _width = (streams + Padding - 1) / Padding * Padding;
        _rows = new float[window * _width];
        _history = new float[window * _width];
        _incoming = new float[_width];
        _medians = new float[_width];
    }

    /// <summary>Number of independent streams.</summary>
    public int Streams { get; }

    /// <summary>Values per median.</summary>
    public int Window { get; }

    /// <summary>Adds one value to every stream and writes each stream's median of its last <see cref="Window"/> values.</summary>
    public void Push(ReadOnlySpan<float> values, Span<float> medians)
    {
        values[..Streams].CopyTo(_incoming);
        if (Lanes512.IsAccelerated)
        {
            Push<Lanes512, Vector512<float>>();
        }
        else if (Lanes256.IsAccelerated)
        {
            Push<Lanes256, Vector256<float>>();
        }
        else if (Lanes128.IsAccelerated)
        {
            Push<Lanes128, Vector128<float>>();
        }
        else
        {
            Push<Lanes1, float>();
        }
        _medians.AsSpan(0, Streams).CopyTo(medians);
        if (++_next == Window)
        {
            _next = 0;
        }
    }

    private void Push<TLanes, TVector>()
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
    {
        var window = Window;
        nint stride = _width;
        ref var rows = ref MemoryMarshal.GetArrayDataReference(_rows);
        ref var oldest = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_history), _next * stride);
        ref var incoming = ref MemoryMarshal.GetArrayDataReference(_incoming);
        ref var medians = ref MemoryMarshal.GetArrayDataReference(_medians);
        var middle = window / 2 * stride;
        for (nint s = 0; s < stride; s += TLanes.Count)
        {
            var entering = TLanes.NaNToZero(TLanes.Load(ref Unsafe.Add(ref incoming, s))); // a NaN has no place in an order: silence
            ref var slot = ref Unsafe.Add(ref oldest, s);
            var leaving = TLanes.Load(ref slot);
            TLanes.Store(entering, ref slot);
            ref var column = ref Unsafe.Add(ref rows, s);
            SortedColumns.Replace<TLanes, TVector>(ref column, stride, window, leaving, entering);
            TLanes.Store(TLanes.Load(ref Unsafe.Add(ref column, middle)), ref Unsafe.Add(ref medians, s));
        }
    }

    /// <summary>Forgets every value (the windows are all zeros again).</summary>
    public void Reset()
    {
        Array.Clear(_rows);
        Array.Clear(_history);
        _next = 0;
    }
}

/// <summary>A median filter along one array (e.g. across frequency bins of one frame).</summary>
public static class MedianFilter
{
    /// <summary>
    /// y[i] = median of x[i − k/2 … i + k/2] with the edges extended by mirror reflection including the edge sample
    /// (scipy.ndimage's <c>reflect</c> mode, which librosa's HPSS uses): x[−1] = x[0], x[−2] = x[1], …; a NaN counts
    /// as 0. <paramref name="scratch"/> needs <see cref="ScratchLength"/> floats. Allocation-free.
    /// </summary>
    /// <remarks>
    /// The filter's windows form one chain (each is the previous one plus a value, minus one), which would run one
    /// step at a time. Instead the array is cut into as many stretches as a vector has lanes, each stretch's inputs are
    /// laid out down one lane, and all stretches slide together with <see cref="SortedColumns"/>; every output is
    /// still the exact median of its own window.
    /// </remarks>
    public static void Apply(ReadOnlySpan<float> x, int kernel, Span<float> y, Span<float> scratch)
    {
        if (kernel % 2 == 0 || kernel < 1)
        {
            throw new ArgumentException("the kernel must be odd and positive", nameof(kernel));
        }
        if (x.IsEmpty)
        {
            return;
        }
        if (Lanes512.IsAccelerated)
        {
            Apply<Lanes512, Vector512<float>>(x, kernel, y, scratch);
        }
        else if (Lanes256.IsAccelerated)
        {
            Apply<Lanes256, Vector256<float>>(x, kernel, y, scratch);
        }
        else if (Lanes128.IsAccelerated)
        {
            Apply<Lanes128, Vector128<float>>(x, kernel, y, scratch);
        }
        else
        {
            Apply<Lanes1, float>(x, kernel, y, scratch);
        }
    }

    /// <summary>Floats of scratch <see cref="Apply"/> needs for arrays of up to <paramref name="length"/> values.</summary>
    public static int ScratchLength(int kernel, int length)
    {
        // Whichever width this machine runs: inputs, sorted rows, outputs and the padded copy.
        static int For(int lanes, int kernel, int length)
        {
            var stretch = (length + lanes - 1) / lanes;
            return ((stretch + kernel - 1) + kernel + stretch) * lanes + lanes * stretch + kernel - 1;
        }
        return Math.Max(Math.Max(For(16, kernel, length), For(8, kernel, length)), Math.Max(For(4, kernel, length), For(1, kernel, length)));
    }

    private static void Apply<TLanes, TVector>(ReadOnlySpan<float> x, int kernel, Span<float> y, Span<float> scratch)
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
    {
        var n = x.Length;
        var half = kernel / 2;
        var lanes = TLanes.Count;
        var stretch = (n + lanes - 1) / lanes;              // outputs per lane; lane l computes y[l·stretch …]
        var inputRows = stretch + kernel - 1;
        var inputs = scratch[..(inputRows * lanes)];       // row j, lane l: x[l·stretch + j − half] (reflected)
        var rows = scratch.Slice(inputs.Length, kernel * lanes);
        var outputs = scratch.Slice(inputs.Length + rows.Length, stretch * lanes);
        // Lane l's inputs are the reflected array from l·stretch − half on: copy that array once (edges included),
        // then deal it out row by row.
        var padded = scratch.Slice(inputs.Length + kernel * lanes + stretch * lanes, lanes * stretch + kernel - 1);
        x.CopyTo(padded[half..]);
        for (var i = 0; i < half; i++)
        {
            padded[i] = At(x, i - half);
        }
        for (var i = half + n; i < padded.Length; i++)
        {
            padded[i] = At(x, i - half);
        }
        ref var source = ref MemoryMarshal.GetReference(padded);
        var whole = padded.Length - padded.Length % lanes;
        for (var i = 0; i < whole; i += lanes)
        {
            ref var at = ref Unsafe.Add(ref source, i);
            TLanes.Store(TLanes.NaNToZero(TLanes.Load(ref at)), ref at); // a NaN has no place in an order: silence
        }
        for (var i = whole; i < padded.Length; i++)
        {
            padded[i] = float.IsNaN(padded[i]) ? 0 : padded[i];
        }
        ref var dealt = ref MemoryMarshal.GetReference(inputs);
        for (var l = 0; l < lanes; l++)
        {
            ref var from = ref Unsafe.Add(ref source, l * stretch);
            ref var to = ref Unsafe.Add(ref dealt, l);
            for (var j = 0; j < inputRows; j++)
            {
                Unsafe.Add(ref to, j * lanes) = Unsafe.Add(ref from, j);
            }
        }
        ref var input = ref MemoryMarshal.GetReference(inputs);
        ref var column = ref MemoryMarshal.GetReference(rows);
        ref var output = ref MemoryMarshal.GetReference(outputs);
        var middle = half * lanes;
        // The first window of every lane, filled into columns of +∞ (only the ranks filled so far change).
        rows.Fill(float.PositiveInfinity);
        var infinity = TLanes.Splat(float.PositiveInfinity);
        for (var j = 0; j < kernel; j++)
        {
            var entering = TLanes.Load(ref Unsafe.Add(ref input, j * lanes));
            SortedColumns.Replace<TLanes, TVector>(ref column, lanes, j + 1, infinity, entering);
        }
        TLanes.Store(TLanes.Load(ref Unsafe.Add(ref column, middle)), ref output);
        for (var j = 1; j < stretch; j++)
        {
            var leaving = TLanes.Load(ref Unsafe.Add(ref input, (j - 1) * lanes));
            var entering = TLanes.Load(ref Unsafe.Add(ref input, (j + kernel - 1) * lanes));
            SortedColumns.Replace<TLanes, TVector>(ref column, lanes, kernel, leaving, entering);
            TLanes.Store(TLanes.Load(ref Unsafe.Add(ref column, middle)), ref Unsafe.Add(ref output, j * lanes));
        }
        for (var l = 0; l < lanes; l++)
        {
            var first = l * stretch;
            var count = Math.Min(stretch, n - first);
            if (count <= 0)
            {
                break;
            }
            var into = y.Slice(first, count);
            ref var from = ref Unsafe.Add(ref output, l);
            for (var j = 0; j < into.Length; j++)
            {
                into[j] = Unsafe.Add(ref from, j * lanes);
            }
        }
    }

    // x[i] with the edges reflected (d c b a | a b c d | d c b a) until inside.
    private static float At(ReadOnlySpan<float> x, int i)
    {
        var n = x.Length;
        if (n == 1)
        {
            return x[0];
        }
        var period = 2 * n;
        i %= period;
        if (i < 0)
        {
            i += period;
        }
        return x[i < n ? i : period - 1 - i];
    }
}
