using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Auralis.Dsp;

/// <summary>
/// The element-wise span operations the DSP layer runs per frame, as plain vector loops: 512-bit vectors where the CPU
/// has them, then <see cref="Vector{T}"/>, then scalars. Each gives exactly the values of the element-by-element
/// definition (no reordering of sums, no fused operations).
/// </summary>
/// <remarks>
/// Why not <c>TensorPrimitives</c>: with tiered compilation off (the CLI's setting, see docs/benchmarks.md) each of its
/// operations is a large generic method compiled at full optimisation on first use — 4–40 ms apiece measured here,
/// over 0.1 s of every run's start-up for the ~20 the plugins used. These loops compile in about a millisecond each.
/// The vectorised logarithms and the order-dependent sums stay on <c>TensorPrimitives</c>.
/// </remarks>
internal static class SpanMath
{
    /// <summary>destination[i] = x[i]·y[i].</summary>
    public static void Multiply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) =>
        Binary<float, Times<float>>(x, y, destination);

    /// <summary>destination[i] = x[i]·y[i] in double precision.</summary>
    public static void Multiply(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> destination) =>
        Binary<double, Times<double>>(x, y, destination);

    /// <summary>destination[i] = x[i]·factor.</summary>
    public static void Multiply(ReadOnlySpan<float> x, float factor, Span<float> destination) =>
        WithScalar<float, Times<float>>(x, factor, destination);

    /// <summary>destination[i] = x[i] + y[i].</summary>
    public static void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) =>
        Binary<float, Plus<float>>(x, y, destination);

    /// <summary>destination[i] = x[i] + addend in double precision.</summary>
    public static void Add(ReadOnlySpan<double> x, double addend, Span<double> destination) =>
        WithScalar<double, Plus<double>>(x, addend, destination);

    /// <summary>destination[i] = x[i] − y[i].</summary>
    public static void Subtract(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) =>
        Binary<float, Minus<float>>(x, y, destination);

    /// <summary>destination[i] = max(x[i], floor), NaN where x[i] is NaN (<see cref="MathF.Max(float, float)"/>).</summary>
    public static void Max(ReadOnlySpan<float> x, float floor, Span<float> destination) =>
        WithScalar<float, Larger<float>>(x, floor, destination);

    /// <summary>destination[i] = x[i]·y[i] + z[i] (rounded after the product, as written).</summary>
    public static void MultiplyAdd(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, Span<float> destination)
    {
        var n = Check(x.Length, y.Length, destination.Length);
        Check(n, z.Length, n);
        ref var a = ref MemoryMarshal.GetReference(x);
        ref var b = ref MemoryMarshal.GetReference(y);
        ref var c = ref MemoryMarshal.GetReference(z);
        ref var d = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                (Vector512.LoadUnsafe(ref a, (nuint)i) * Vector512.LoadUnsafe(ref b, (nuint)i) + Vector512.LoadUnsafe(ref c, (nuint)i))
                    .StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i + Vector<float>.Count <= n; i += Vector<float>.Count)
        {
            (Vector.LoadUnsafe(ref a, (nuint)i) * Vector.LoadUnsafe(ref b, (nuint)i) + Vector.LoadUnsafe(ref c, (nuint)i))
                .StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = Unsafe.Add(ref a, i) * Unsafe.Add(ref b, i) + Unsafe.Add(ref c, i);
        }
    }

    /// <summary>destination[i] = √x[i].</summary>
    public static void Sqrt(ReadOnlySpan<float> x, Span<float> destination)
    {
        var n = Check(x.Length, x.Length, destination.Length);
        ref var a = ref MemoryMarshal.GetReference(x);
        ref var d = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                Vector512.Sqrt(Vector512.LoadUnsafe(ref a, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i + Vector<float>.Count <= n; i += Vector<float>.Count)
        {
            Vector.SquareRoot(Vector.LoadUnsafe(ref a, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = MathF.Sqrt(Unsafe.Add(ref a, i));
        }
    }

    /// <summary>The largest value (NaN if any is NaN; <see cref="MathF.Max(float, float)"/>). At least one value.</summary>
    public static float Max(ReadOnlySpan<float> x) => Extreme<Larger<float>>(x);

    /// <summary>
    /// Index of the first smallest value (of the first NaN, if any). At least one value. Vectorised: the minimum, then
    /// the first value not above it.
    /// </summary>
    public static int IndexOfMin(ReadOnlySpan<float> x)
    {
        var low = Extreme<Smaller<float>>(x);
        if (float.IsNaN(low))
        {
            return FirstNaN(x);
        }
        var i = 0;
        var limit = new Vector<float>(low);
        for (; i + Vector<float>.Count <= x.Length; i += Vector<float>.Count)
        {
            if (Vector.LessThanOrEqualAny(new Vector<float>(x[i..]), limit))
            {
                break;
            }
        }
        for (; i < x.Length; i++)
        {
            if (x[i] <= low)
            {
                return i;
            }
        }
        return 0; // unreachable: the minimum is one of the values
    }

    private static int FirstNaN(ReadOnlySpan<float> x)
    {
        for (var i = 0; i < x.Length; i++)
        {
            if (float.IsNaN(x[i]))
            {
                return i;
            }
        }
        return 0;
    }

    // The maximum or minimum of all values (NaN-propagating), lanes first then across lanes.
    private static float Extreme<TOperation>(ReadOnlySpan<float> x) where TOperation : struct, IOperation<float>
    {
        if (x.IsEmpty)
        {
            throw new ArgumentException("no values", nameof(x));
        }
        ref var a = ref MemoryMarshal.GetReference(x);
        var n = x.Length;
        var i = 0;
        var result = x[0];
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var lanes = Vector512.LoadUnsafe(ref a);
            for (i = 16; i + 16 <= n; i += 16)
            {
                lanes = TOperation.Apply(lanes, Vector512.LoadUnsafe(ref a, (nuint)i));
            }
            for (var l = 0; l < 16; l++)
            {
                result = TOperation.Apply(result, lanes[l]);
            }
        }
        for (; i < n; i++)
        {
            result = TOperation.Apply(result, Unsafe.Add(ref a, i));
        }
        return result;
    }

    /// <summary>destination[i] = x[i] widened to double.</summary>
    public static void Widen(ReadOnlySpan<float> x, Span<double> destination)
    {
        var n = Check(x.Length, x.Length, destination.Length);
        ref var a = ref MemoryMarshal.GetReference(x);
        ref var d = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                var (low, high) = Vector512.Widen(Vector512.LoadUnsafe(ref a, (nuint)i));
                low.StoreUnsafe(ref d, (nuint)i);
                high.StoreUnsafe(ref d, (nuint)(i + 8));
            }
        }
        for (; i + Vector<float>.Count <= n; i += Vector<float>.Count)
        {
            Vector.Widen(Vector.LoadUnsafe(ref a, (nuint)i), out Vector<double> low, out Vector<double> high);
            low.StoreUnsafe(ref d, (nuint)i);
            high.StoreUnsafe(ref d, (nuint)(i + Vector<double>.Count));
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = Unsafe.Add(ref a, i);
        }
    }

    // One operation on two values, as 512-bit vectors, as Vector<T> and as scalars (the same operation each way).
    private interface IOperation<T> where T : unmanaged
    {
        static abstract Vector512<T> Apply(Vector512<T> a, Vector512<T> b);

        static abstract Vector<T> Apply(Vector<T> a, Vector<T> b);

        static abstract T Apply(T a, T b);
    }

    private readonly struct Times<T> : IOperation<T> where T : unmanaged, INumber<T>
    {
        public static Vector512<T> Apply(Vector512<T> a, Vector512<T> b) => a * b;
        public static Vector<T> Apply(Vector<T> a, Vector<T> b) => a * b;
        public static T Apply(T a, T b) => a * b;
    }

    private readonly struct Plus<T> : IOperation<T> where T : unmanaged, INumber<T>
    {
        public static Vector512<T> Apply(Vector512<T> a, Vector512<T> b) => a + b;
        public static Vector<T> Apply(Vector<T> a, Vector<T> b) => a + b;
        public static T Apply(T a, T b) => a + b;
    }

    private readonly struct Minus<T> : IOperation<T> where T : unmanaged, INumber<T>
    {
        public static Vector512<T> Apply(Vector512<T> a, Vector512<T> b) => a - b;
        public static Vector<T> Apply(Vector<T> a, Vector<T> b) => a - b;
        public static T Apply(T a, T b) => a - b;
    }

    // NaN-propagating maximum, like Math.Max.
    private readonly struct Larger<T> : IOperation<T> where T : unmanaged, INumber<T>
    {
        public static Vector512<T> Apply(Vector512<T> a, Vector512<T> b) => Vector512.Max(a, b);
        public static Vector<T> Apply(Vector<T> a, Vector<T> b) => Vector.Max(a, b);
        public static T Apply(T a, T b) => T.Max(a, b);
    }

    // NaN-propagating minimum, like Math.Min.
    private readonly struct Smaller<T> : IOperation<T> where T : unmanaged, INumber<T>
    {
        public static Vector512<T> Apply(Vector512<T> a, Vector512<T> b) => Vector512.Min(a, b);
        public static Vector<T> Apply(Vector<T> a, Vector<T> b) => Vector.Min(a, b);
        public static T Apply(T a, T b) => T.Min(a, b);
    }

    private static void Binary<T, TOperation>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged
        where TOperation : struct, IOperation<T>
    {
        var n = Check(x.Length, y.Length, destination.Length);
        ref var a = ref MemoryMarshal.GetReference(x);
        ref var b = ref MemoryMarshal.GetReference(y);
        ref var d = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + Vector512<T>.Count <= n; i += Vector512<T>.Count)
            {
                TOperation.Apply(Vector512.LoadUnsafe(ref a, (nuint)i), Vector512.LoadUnsafe(ref b, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i + Vector<T>.Count <= n; i += Vector<T>.Count)
        {
            TOperation.Apply(Vector.LoadUnsafe(ref a, (nuint)i), Vector.LoadUnsafe(ref b, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = TOperation.Apply(Unsafe.Add(ref a, i), Unsafe.Add(ref b, i));
        }
    }

    private static void WithScalar<T, TOperation>(ReadOnlySpan<T> x, T scalar, Span<T> destination)
        where T : unmanaged
        where TOperation : struct, IOperation<T>
    {
        var n = Check(x.Length, x.Length, destination.Length);
        ref var a = ref MemoryMarshal.GetReference(x);
        ref var d = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var wide = Vector512.Create(scalar);
            for (; i + Vector512<T>.Count <= n; i += Vector512<T>.Count)
            {
                TOperation.Apply(Vector512.LoadUnsafe(ref a, (nuint)i), wide).StoreUnsafe(ref d, (nuint)i);
            }
        }
        var vector = new Vector<T>(scalar);
        for (; i + Vector<T>.Count <= n; i += Vector<T>.Count)
        {
            TOperation.Apply(Vector.LoadUnsafe(ref a, (nuint)i), vector).StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = TOperation.Apply(Unsafe.Add(ref a, i), scalar);
        }
    }

    // The operation's length: its inputs' (which must agree); the destination may not be shorter.
    private static int Check(int x, int y, int destination)
    {
        if (x != y || destination < x)
        {
            throw new ArgumentException("span lengths differ or the destination is too short");
        }
        return x;
    }
}
