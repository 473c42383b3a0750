using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Auralis.Dsp;

/// <summary>
/// Many ascending windows side by side, one per vector lane: row r holds every window's r-th smallest value, rows
/// <c>stride</c> floats apart. A step replaces, in every lane at once, one value by another, with four vector
/// operations per row and no data-dependent branch or shuffle — the per-window cost of a median that slides over
/// many independent streams (one per frequency bin) drops to a fraction of sorting each window on its own.
/// </summary>
/// <remarks>
/// With a the old column (ascending), x the leaving value and y the entering one: removing x gives
/// d_r = a_r &lt; x ? a_r : a_(r+1) (ranks below x's first occurrence keep their value, the others move down one), and
/// inserting y gives e_r = max(d_(r−1), min(d_r, y)), with d_(−1) = −∞ and d_(n−1) = +∞. Equal values are
/// interchangeable, so repeats need no care; x must be in the column (its ranks are otherwise garbage), and no value
/// may be NaN (the comparisons would place it arbitrarily). A leaving +∞ removes one +∞: that is how a column of +∞ is
/// filled one value at a time.
/// </remarks>
internal static class SortedColumns
{
    /// <summary>
    /// In each lane of the <paramref name="window"/> rows starting at <paramref name="rows"/>, replaces one occurrence of
    /// <paramref name="leaving"/> by <paramref name="entering"/>, keeping the column ascending.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Replace<TLanes, TVector>(ref float rows, nint stride, int window, TVector leaving, TVector entering)
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
    {
        var belowRow = TLanes.Splat(float.NegativeInfinity); // d of the previous rank
        var current = TLanes.Load(ref rows);                // a of this rank
        ref var row = ref rows;
        var r = 1;
        // Two ranks per pass: the loop's own bookkeeping was a third of the instructions of a one-rank pass.
        for (; r + 1 < window; r += 2)
        {
            ref var row1 = ref Unsafe.Add(ref row, stride);
            ref var row2 = ref Unsafe.Add(ref row1, stride);
            var next1 = TLanes.Load(ref row1);
            var next2 = TLanes.Load(ref row2);
            var kept0 = TLanes.BelowOr(current, leaving, next1);
            TLanes.Store(TLanes.Max(belowRow, TLanes.Min(kept0, entering)), ref row);
            var kept1 = TLanes.BelowOr(next1, leaving, next2);
            TLanes.Store(TLanes.Max(kept0, TLanes.Min(kept1, entering)), ref row1);
            belowRow = kept1;
            current = next2;
            row = ref row2;
        }
        if (r < window)
        {
            ref var nextRow = ref Unsafe.Add(ref row, stride);
            var next = TLanes.Load(ref nextRow);
            var kept = TLanes.BelowOr(current, leaving, next);
            TLanes.Store(TLanes.Max(belowRow, TLanes.Min(kept, entering)), ref row);
            belowRow = kept;
            current = next;
            row = ref nextRow;
        }
        var last = TLanes.BelowOr(current, leaving, TLanes.Splat(float.PositiveInfinity));
        TLanes.Store(TLanes.Max(belowRow, TLanes.Min(last, entering)), ref row);
    }
}

/// <summary>
/// The few vector operations <see cref="SortedColumns"/> needs, for one width. Kernels take the width as a struct type
/// argument, so the JIT compiles one specialised copy per width with the operations inlined.
/// </summary>
internal interface ILanes<TVector> where TVector : struct
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>True when this width runs on vector hardware here.</summary>
    static abstract bool IsAccelerated { get; }

    static abstract TVector Load(ref float source);

    static abstract void Store(TVector value, ref float destination);

    static abstract TVector Splat(float value);

    /// <summary>Per lane: <paramref name="value"/> &lt; <paramref name="limit"/> ? <paramref name="value"/> : <paramref name="otherwise"/>.</summary>
    static abstract TVector BelowOr(TVector value, TVector limit, TVector otherwise);

    /// <summary>Per lane minimum (operands never NaN).</summary>
    static abstract TVector Min(TVector a, TVector b);

    /// <summary>Per lane maximum (operands never NaN).</summary>
    static abstract TVector Max(TVector a, TVector b);

    /// <summary>NaN lanes replaced by 0.</summary>
    static abstract TVector NaNToZero(TVector value);
}

internal readonly struct Lanes512 : ILanes<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;
    public static bool IsAccelerated => Vector512.IsHardwareAccelerated;
    public static Vector512<float> Load(ref float source) => Vector512.LoadUnsafe(ref source);
    public static void Store(Vector512<float> value, ref float destination) => value.StoreUnsafe(ref destination);
    public static Vector512<float> Splat(float value) => Vector512.Create(value);
    public static Vector512<float> BelowOr(Vector512<float> value, Vector512<float> limit, Vector512<float> otherwise) =>
        Vector512.ConditionalSelect(Vector512.LessThan(value, limit), value, otherwise);
    public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Vector512.MinNative(a, b);
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.MaxNative(a, b);
    public static Vector512<float> NaNToZero(Vector512<float> value) => value & Vector512.Equals(value, value);
}

internal readonly struct Lanes256 : ILanes<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;
    public static bool IsAccelerated => Vector256.IsHardwareAccelerated;
    public static Vector256<float> Load(ref float source) => Vector256.LoadUnsafe(ref source);
    public static void Store(Vector256<float> value, ref float destination) => value.StoreUnsafe(ref destination);
    public static Vector256<float> Splat(float value) => Vector256.Create(value);
    public static Vector256<float> BelowOr(Vector256<float> value, Vector256<float> limit, Vector256<float> otherwise) =>
        Vector256.ConditionalSelect(Vector256.LessThan(value, limit), value, otherwise);
    public static Vector256<float> Min(Vector256<float> a, Vector256<float> b) => Vector256.MinNative(a, b);
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.MaxNative(a, b);
    public static Vector256<float> NaNToZero(Vector256<float> value) => value & Vector256.Equals(value, value);
}

internal readonly struct Lanes128 : ILanes<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;
    public static bool IsAccelerated => Vector128.IsHardwareAccelerated;
    public static Vector128<float> Load(ref float source) => Vector128.LoadUnsafe(ref source);
    public static void Store(Vector128<float> value, ref float destination) => value.StoreUnsafe(ref destination);
    public static Vector128<float> Splat(float value) => Vector128.Create(value);
    public static Vector128<float> BelowOr(Vector128<float> value, Vector128<float> limit, Vector128<float> otherwise) =>
        Vector128.ConditionalSelect(Vector128.LessThan(value, limit), value, otherwise);
    public static Vector128<float> Min(Vector128<float> a, Vector128<float> b) => Vector128.MinNative(a, b);
    public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.MaxNative(a, b);
    public static Vector128<float> NaNToZero(Vector128<float> value) => value & Vector128.Equals(value, value);
}

/// <summary>One lane: the same kernels where no vector hardware is available.</summary>
internal readonly struct Lanes1 : ILanes<float>
{
    public static int Count => 1;
    public static bool IsAccelerated => true;
    public static float Load(ref float source) => source;
    public static void Store(float value, ref float destination) => destination = value;
    public static float Splat(float value) => value;
    public static float BelowOr(float value, float limit, float otherwise) => value < limit ? value : otherwise;
    public static float Min(float a, float b) => a < b ? a : b;
    public static float Max(float a, float b) => a > b ? a : b;
    public static float NaNToZero(float value) => float.IsNaN(value) ? 0 : value;
}
