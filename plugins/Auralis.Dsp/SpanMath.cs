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
/// over 0.1 s of every run's start-up for the ~20 the plugins used, and loading its assembly was more on top. These
/// loops compile in about a millisecond each. The sums (<see cref="Dot"/>, <see cref="Sum"/>,
/// <see cref="SumOfSquares"/>) add lane by lane, then across lanes, then the tail, so their last bits depend on the
/// vector width; the logarithms do not (see <see cref="Log(ReadOnlySpan{float}, Span{float})"/>).
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

    /// <summary>Σ x[i]·y[i].</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => Reduce<Product>(x, y);

    /// <summary>Σ x[i].</summary>
    public static float Sum(ReadOnlySpan<float> x) => Reduce<First>(x, x);

    /// <summary>Σ x[i]².</summary>
    public static float SumOfSquares(ReadOnlySpan<float> x) => Reduce<Product>(x, x);

    // Σ term(x[i], y[i]): one accumulator per lane, then across the lanes, then the tail.
    private static float Reduce<TTerm>(ReadOnlySpan<float> x, ReadOnlySpan<float> y) where TTerm : struct, ITerm
    {
        var n = Check(x.Length, y.Length, x.Length);
        ref var a = ref MemoryMarshal.GetReference(x);
        ref var b = ref MemoryMarshal.GetReference(y);
        var i = 0;
        var sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var lanes = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                lanes += TTerm.Of(Vector512.LoadUnsafe(ref a, (nuint)i), Vector512.LoadUnsafe(ref b, (nuint)i));
            }
            sum = Vector512.Sum(lanes);
        }
        else if (n >= Vector<float>.Count)
        {
            var lanes = Vector<float>.Zero;
            for (; i + Vector<float>.Count <= n; i += Vector<float>.Count)
            {
                lanes += TTerm.Of(Vector.LoadUnsafe(ref a, (nuint)i), Vector.LoadUnsafe(ref b, (nuint)i));
            }
            sum = Vector.Sum(lanes);
        }
        for (; i < n; i++)
        {
            sum += TTerm.Of(Unsafe.Add(ref a, i), Unsafe.Add(ref b, i));
        }
        return sum;
    }

    // The term a sum adds for one pair of values.
    private interface ITerm
    {
        static abstract Vector512<float> Of(Vector512<float> a, Vector512<float> b);

        static abstract Vector<float> Of(Vector<float> a, Vector<float> b);

        static abstract float Of(float a, float b);
    }

    private readonly struct Product : ITerm
    {
        public static Vector512<float> Of(Vector512<float> a, Vector512<float> b) => a * b;
        public static Vector<float> Of(Vector<float> a, Vector<float> b) => a * b;
        public static float Of(float a, float b) => a * b;
    }

    private readonly struct First : ITerm
    {
        public static Vector512<float> Of(Vector512<float> a, Vector512<float> b) => a;
        public static Vector<float> Of(Vector<float> a, Vector<float> b) => a;
        public static float Of(float a, float b) => a;
    }

    /// <summary>destination[i] = ln x[i]: −∞ at ±0, NaN below 0 and at NaN, +∞ at +∞.</summary>
    /// <remarks>
    /// fdlibm's single-precision reduction and polynomial (error below one ulp), on <see cref="Vector{T}"/> lanes only:
    /// the tail goes through the same lanes, padded, so every value is computed by the same operations whatever the
    /// vector width or length — the same result with AVX-512, AVX2, SSE or no SIMD at all, and offline and block by
    /// block alike.
    /// </remarks>
    public static void Log(ReadOnlySpan<float> x, Span<float> destination) => Logarithm<NaturalBase>(x, destination);

    /// <summary>destination[i] = log₁₀ x[i], with the special values and guarantees of <see cref="Log(ReadOnlySpan{float}, Span{float})"/>.</summary>
    public static void Log10(ReadOnlySpan<float> x, Span<float> destination) => Logarithm<DecimalBase>(x, destination);

    private static void Logarithm<TBase>(ReadOnlySpan<float> x, Span<float> destination) where TBase : struct, ILogBase
    {
        var n = Check(x.Length, x.Length, destination.Length);
        ref var a = ref MemoryMarshal.GetReference(x);
        ref var d = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        for (; i + Vector<float>.Count <= n; i += Vector<float>.Count)
        {
            Logarithm<TBase>(Vector.LoadUnsafe(ref a, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        }
        if (i < n)
        {
            Span<float> lanes = stackalloc float[Vector<float>.Count];
            lanes.Fill(1f);
            x[i..].CopyTo(lanes);
            Logarithm<TBase>(new Vector<float>(lanes)).CopyTo(lanes);
            lanes[..(n - i)].CopyTo(destination[i..]);
        }
    }

    private static Vector<float> Logarithm<TBase>(Vector<float> x) where TBase : struct, ILogBase
    {
        // Subnormal inputs (below 2^-126) are scaled by 2^25 first, so that the exponent field holds the whole exponent.
        var subnormal = Vector.LessThan(x, new Vector<float>(1.17549435e-38f));
        var scaled = Vector.ConditionalSelect(subnormal, x * 33554432f, x);
        var k = Vector.ConditionalSelect(subnormal, new Vector<int>(-25), Vector<int>.Zero);
        // x = 2^k·m with m in [√½, √2): shift the bits so that the mantissas above √2 carry into the exponent.
        var bits = Vector.AsVectorUInt32(scaled) + new Vector<uint>(0x3f800000 - 0x3f3504f3);
        k += Vector.AsVectorInt32(Vector.ShiftRightLogical(bits, 23)) - new Vector<int>(0x7f);
        var m = Vector.AsVectorSingle((bits & new Vector<uint>(0x007fffff)) + new Vector<uint>(0x3f3504f3));
        // ln m = ln(1 + f) = 2·atanh(s), s = f / (2 + f), as f − f²/2 + s·(f²/2 + R(s²)).
        var f = m - Vector<float>.One;
        var s = f / (new Vector<float>(2f) + f);
        var z = s * s;
        var w = z * z;
        var r = z * (new Vector<float>(0.66666662693f) + w * new Vector<float>(0.28498786688f))
            + w * (new Vector<float>(0.40000972152f) + w * new Vector<float>(0.24279078841f));
        var halfSquare = new Vector<float>(0.5f) * f * f;
        var result = TBase.Finish(Vector.ConvertToSingle(k), f, halfSquare, s * (halfSquare + r));
        // Outside (0, +∞): −∞ at ±0, +∞ at +∞, NaN below zero and at NaN.
        var inRange = Vector.GreaterThan(x, Vector<float>.Zero) & Vector.LessThan(x, new Vector<float>(float.PositiveInfinity));
        var special = Vector.ConditionalSelect(Vector.Equals(x, Vector<float>.Zero), new Vector<float>(float.NegativeInfinity),
            Vector.ConditionalSelect(Vector.Equals(x, new Vector<float>(float.PositiveInfinity)), x, new Vector<float>(float.NaN)));
        return Vector.ConditionalSelect(inRange, result, special);
    }

    // The last step of a logarithm from x = 2^k·(1 + f): ln or log10 of it from k, f, f²/2 and s·(f²/2 + R).
    private interface ILogBase
    {
        static abstract Vector<float> Finish(Vector<float> k, Vector<float> f, Vector<float> halfSquare, Vector<float> tail);
    }

    private readonly struct NaturalBase : ILogBase
    {
        // ln 2 split so that k·ln2High is exact.
        public static Vector<float> Finish(Vector<float> k, Vector<float> f, Vector<float> halfSquare, Vector<float> tail) =>
            tail + k * new Vector<float>(9.0580006145e-06f) - halfSquare + f + k * new Vector<float>(6.9313812256e-01f);
    }

    private readonly struct DecimalBase : ILogBase
    {
        // f − f²/2 split into a high part with 12 low bits clear and the rest, so that its product with the high part
        // of 1/ln 10 is exact; log10 2 split likewise.
        public static Vector<float> Finish(Vector<float> k, Vector<float> f, Vector<float> halfSquare, Vector<float> tail)
        {
            var high = Vector.AsVectorSingle(Vector.AsVectorUInt32(f - halfSquare) & new Vector<uint>(0xfffff000));
            var low = f - high - halfSquare + tail;
            return k * new Vector<float>(7.9034151668e-07f) + (low + high) * new Vector<float>(-3.1689971365e-05f)
                + low * new Vector<float>(4.3432617188e-01f) + high * new Vector<float>(4.3432617188e-01f)
                + k * new Vector<float>(3.0102920532e-01f);
        }
    }

    /// <summary>destination[i] = ln x[i] in double precision, with the special values and guarantees of <see cref="Log(ReadOnlySpan{float}, Span{float})"/>.</summary>
    public static void Log(ReadOnlySpan<double> x, Span<double> destination)
    {
        var n = Check(x.Length, x.Length, destination.Length);
        ref var a = ref MemoryMarshal.GetReference(x);
        ref var d = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        for (; i + Vector<double>.Count <= n; i += Vector<double>.Count)
        {
            Logarithm(Vector.LoadUnsafe(ref a, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        }
        if (i < n)
        {
            Span<double> lanes = stackalloc double[Vector<double>.Count];
            lanes.Fill(1.0);
            x[i..].CopyTo(lanes);
            Logarithm(new Vector<double>(lanes)).CopyTo(lanes);
            lanes[..(n - i)].CopyTo(destination[i..]);
        }
    }

    // fdlibm's double-precision logarithm (error below one ulp), the same steps as the single-precision one.
    private static Vector<double> Logarithm(Vector<double> x)
    {
        var subnormal = Vector.LessThan(x, new Vector<double>(2.2250738585072014e-308));
        var scaled = Vector.ConditionalSelect(subnormal, x * 18014398509481984.0, x); // 2^54
        var k = Vector.ConditionalSelect(subnormal, new Vector<long>(-54), Vector<long>.Zero);
        var bits = Vector.AsVectorUInt64(scaled) + new Vector<ulong>((ulong)(0x3ff00000 - 0x3fe6a09e) << 32);
        k += Vector.AsVectorInt64(Vector.ShiftRightLogical(bits, 52)) - new Vector<long>(0x3ff);
        var m = Vector.AsVectorDouble((bits & new Vector<ulong>(0x000fffff_ffffffffUL)) + new Vector<ulong>(0x3fe6a09eUL << 32));
        var f = m - Vector<double>.One;
        var halfSquare = new Vector<double>(0.5) * f * f;
        var s = f / (new Vector<double>(2.0) + f);
        var z = s * s;
        var w = z * z;
        var t1 = w * (new Vector<double>(3.999999999940941908e-01) + w * (new Vector<double>(2.222219843214978396e-01)
            + w * new Vector<double>(1.531383769920937332e-01)));
        var t2 = z * (new Vector<double>(6.666666666666735130e-01) + w * (new Vector<double>(2.857142874366239149e-01)
            + w * (new Vector<double>(1.818357216161805012e-01) + w * new Vector<double>(1.479819860511658591e-01))));
        var dk = Vector.ConvertToDouble(k);
        var result = s * (halfSquare + (t2 + t1)) + dk * new Vector<double>(1.90821492927058770002e-10) - halfSquare + f
            + dk * new Vector<double>(6.93147180369123816490e-01);
        var inRange = Vector.GreaterThan(x, Vector<double>.Zero) & Vector.LessThan(x, new Vector<double>(double.PositiveInfinity));
        var special = Vector.ConditionalSelect(Vector.Equals(x, Vector<double>.Zero), new Vector<double>(double.NegativeInfinity),
            Vector.ConditionalSelect(Vector.Equals(x, new Vector<double>(double.PositiveInfinity)), x, new Vector<double>(double.NaN)));
        return Vector.ConditionalSelect(inRange, result, special);
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
