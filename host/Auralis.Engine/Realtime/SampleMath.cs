using System.Numerics;
using System.Runtime.InteropServices;

namespace Auralis.Engine.Realtime;

/// <summary>
/// The gain and mix steps of the render sequence and the delay line, one <see cref="Vector{T}"/> pass each,
/// allocation-free (safe on the audio thread). Each gives exactly the element-by-element definition. (TensorPrimitives
/// did this before; with tiered compilation off each of its operations is a large generic method compiled at full
/// optimisation on first use.)
/// </summary>
public static class SampleMath
{
    /// <summary>destination[i] = gain·source[i].</summary>
    public static void Scale(ReadOnlySpan<float> source, float gain, Span<float> destination)
    {
        var n = Length(source, destination);
        ref var s = ref MemoryMarshal.GetReference(source);
        ref var d = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        for (; i + Vector<float>.Count <= n; i += Vector<float>.Count)
        {
            (Vector.LoadUnsafe(ref s, (nuint)i) * gain).StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < n; i++)
        {
            destination[i] = source[i] * gain;
        }
    }

    /// <summary>destination[i] += gain·source[i] (rounded after the product, as written; with gain 1 the product is
    /// exact, so this is also the plain sum).</summary>
    public static void AddScaled(ReadOnlySpan<float> source, float gain, Span<float> destination)
    {
        var n = Length(source, destination);
        ref var s = ref MemoryMarshal.GetReference(source);
        ref var d = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        for (; i + Vector<float>.Count <= n; i += Vector<float>.Count)
        {
            (Vector.LoadUnsafe(ref s, (nuint)i) * gain + Vector.LoadUnsafe(ref d, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < n; i++)
        {
            destination[i] = source[i] * gain + destination[i];
        }
    }

    private static int Length(ReadOnlySpan<float> source, Span<float> destination) =>
        destination.Length >= source.Length ? source.Length
            : throw new ArgumentException("the destination is shorter than the source", nameof(destination));
}
