using System.Numerics;

namespace Auralis.Dsp;

/// <summary>
/// Input sample hygiene shared by every analysis: NaN and ±∞ count as silence. Vectorised, with the scalar operations'
/// values (a select and, for <see cref="Add"/>, one float addition per sample).
/// </summary>
public static class FiniteSamples
{
    /// <summary><paramref name="destination"/>[i] = <paramref name="source"/>[i] when finite, else 0.</summary>
    public static void Copy(ReadOnlySpan<float> source, Span<float> destination) => Apply(source, destination, add: false);

    /// <summary><paramref name="destination"/>[i] += <paramref name="source"/>[i] when finite (else += 0).</summary>
    public static void Add(ReadOnlySpan<float> source, Span<float> destination) => Apply(source, destination, add: true);

    private static void Apply(ReadOnlySpan<float> source, Span<float> destination, bool add)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("destination shorter than source", nameof(destination));
        }
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i + Vector<float>.Count <= source.Length; i += Vector<float>.Count)
            {
                var x = new Vector<float>(source[i..]);
                // x − x is 0 for finite x and NaN for NaN and ±∞.
                var finite = Vector.ConditionalSelect(Vector.Equals(x - x, Vector<float>.Zero), x, Vector<float>.Zero);
                (add ? new Vector<float>(destination[i..]) + finite : finite).CopyTo(destination[i..]);
            }
        }
        for (; i < source.Length; i++)
        {
            var x = source[i];
            var finite = float.IsFinite(x) ? x : 0f;
            destination[i] = add ? destination[i] + finite : finite;
        }
    }
}
