using Auralis.Dsp;

namespace Auralis.Dsp.Tests.Core;

// SpanMath must give exactly the element-by-element definition at every length (vector bodies and scalar tails).
public class SpanMathTests
{
    private static float[] Values(Random rng, int length) =>
        Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();

    [Fact]
    public void Element_wise_operations_equal_their_definition_at_every_length()
    {
        var rng = new Random(5);
        for (var n = 0; n <= 70; n++)
        {
            float[] x = Values(rng, n), y = Values(rng, n), z = Values(rng, n), d = new float[n];
            SpanMath.Multiply(x, y, d);
            Assert.Equal(x.Zip(y, (a, b) => a * b), d);
            SpanMath.Multiply(x, 0.37f, d);
            Assert.Equal(x.Select(a => a * 0.37f), d);
            SpanMath.MultiplyAdd(x, y, z, d);
            Assert.Equal(Enumerable.Range(0, n).Select(i => x[i] * y[i] + z[i]), d);
            SpanMath.Add(x, y, d);
            Assert.Equal(x.Zip(y, (a, b) => a + b), d);
            SpanMath.Subtract(x, y, d);
            Assert.Equal(x.Zip(y, (a, b) => a - b), d);
            SpanMath.Sqrt(x.Select(MathF.Abs).ToArray(), d);
            Assert.Equal(x.Select(a => MathF.Sqrt(MathF.Abs(a))), d);
            SpanMath.Max(x, 0.5f, d);
            Assert.Equal(x.Select(a => MathF.Max(a, 0.5f)), d);

            var wide = new double[n];
            SpanMath.Widen(x, wide);
            Assert.Equal(x.Select(a => (double)a), wide);
            var product = new double[n];
            SpanMath.Multiply(wide, wide, product);
            Assert.Equal(wide.Select(a => a * a), product);
            SpanMath.Add(wide, 1e-30, product);
            Assert.Equal(wide.Select(a => a + 1e-30), product);
        }
    }

    [Fact]
    public void Max_and_index_of_min_find_the_extreme_in_every_position_and_a_nan_anywhere()
    {
        var rng = new Random(6);
        for (var n = 1; n <= 70; n++)
        {
            for (var at = 0; at < n; at++)
            {
                var x = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
                x[at] = 5f;
                Assert.Equal(5f, SpanMath.Max(x));
                x[at] = -5f;
                Assert.Equal(at, SpanMath.IndexOfMin(x));
                x[n - 1 - at] = -5f; // a tie: the first one counts
                Assert.Equal(Math.Min(at, n - 1 - at), SpanMath.IndexOfMin(x));
                x[at] = float.NaN;
                Assert.True(float.IsNaN(SpanMath.Max(x)));
                Assert.Equal(at, SpanMath.IndexOfMin(x));
                var floored = new float[n];
                SpanMath.Max(x, 0.5f, floored);
                Assert.Equal(x.Select(a => MathF.Max(a, 0.5f)), floored); // NaN stays NaN
            }
        }
    }

    // Distance in units in the last place between two finite values of the same sign.
    private static long Ulps(float a, float b) => Math.Abs((long)BitConverter.SingleToInt32Bits(a) - BitConverter.SingleToInt32Bits(b));

    private static long Ulps(double a, double b) => Math.Abs(BitConverter.DoubleToInt64Bits(a) - BitConverter.DoubleToInt64Bits(b));

    [Fact]
    public void Logarithms_are_within_an_ulp_of_the_correctly_rounded_ones_over_the_whole_range()
    {
        var rng = new Random(7);
        // Every positive finite float is as likely (subnormals included), then a dense run around 1 where ln is small.
        var x = Enumerable.Range(0, 200_000).Select(_ => BitConverter.Int32BitsToSingle(rng.Next(1, 0x7f800000)))
            .Concat(Enumerable.Range(0, 50_000).Select(_ => (float)(0.5 + rng.NextDouble() * 1.5)))
            .Concat([float.Epsilon, 1.17549435e-38f, float.MaxValue, 1f, 2f, 10f, 0.1f, MathF.E]).ToArray();
        var ln = new float[x.Length];
        var log10 = new float[x.Length];
        SpanMath.Log(x, ln);
        SpanMath.Log10(x, log10);
        for (var i = 0; i < x.Length; i++)
        {
            Assert.True(Ulps(ln[i], (float)Math.Log(x[i])) <= 1, $"ln {x[i]:R} = {ln[i]:R}, not {Math.Log(x[i]):R}");
            Assert.True(Ulps(log10[i], (float)Math.Log10(x[i])) <= 1, $"log10 {x[i]:R} = {log10[i]:R}, not {Math.Log10(x[i]):R}");
        }
        Assert.Equal(0f, ln[^5]);
        Assert.Equal(1f, log10[^3]);

        var wide = Enumerable.Range(0, 200_000).Select(_ => BitConverter.Int64BitsToDouble(rng.NextInt64(1, 0x7ff0000000000000)))
            .Concat(Enumerable.Range(0, 50_000).Select(_ => 0.5 + rng.NextDouble() * 1.5))
            .Concat([double.Epsilon, 2.2250738585072014e-308, double.MaxValue, 1.0, Math.E]).ToArray();
        var lnWide = new double[wide.Length];
        SpanMath.Log(wide, lnWide);
        for (var i = 0; i < wide.Length; i++)
        {
            Assert.True(Ulps(lnWide[i], Math.Log(wide[i])) <= 1, $"ln {wide[i]:R} = {lnWide[i]:R}, not {Math.Log(wide[i]):R}");
        }
        Assert.Equal(0.0, lnWide[^2]);
    }

    [Fact]
    public void Logarithms_give_the_special_values_and_the_same_value_at_every_position_and_length()
    {
        float[] special = [0f, -0f, -1f, float.NegativeInfinity, float.NaN, float.PositiveInfinity];
        float[] expected = [float.NegativeInfinity, float.NegativeInfinity, float.NaN, float.NaN, float.NaN, float.PositiveInfinity];
        var d = new float[special.Length];
        SpanMath.Log(special, d);
        Assert.Equal(expected, d);
        SpanMath.Log10(special, d);
        Assert.Equal(expected, d);
        var wide = new double[special.Length];
        SpanMath.Log(special.Select(v => (double)v).ToArray(), wide);
        Assert.Equal(expected.Select(v => (double)v), wide);

        // Vector bodies and padded tails compute each value the same way, in place or not.
        var rng = new Random(8);
        var pool = Values(rng, 70).Select(MathF.Abs).ToArray();
        var one = new float[1];
        var alone = pool.Select(v => { SpanMath.Log10(new[] { v }, one); return one[0]; }).ToArray();
        for (var n = 0; n <= 70; n++)
        {
            var x = pool[..n];
            var result = new float[n];
            SpanMath.Log10(x, result);
            Assert.Equal(alone[..n], result);
            SpanMath.Log10(x, x);
            Assert.Equal(alone[..n], x);
        }
    }

    [Fact]
    public void Sums_are_exact_where_every_order_is_and_close_to_the_double_sum_elsewhere()
    {
        var rng = new Random(9);
        for (var n = 0; n <= 70; n++)
        {
            // Small integers: every partial sum is exact, so any order of addition gives the same value.
            var x = Enumerable.Range(0, n).Select(_ => (float)rng.Next(-8, 9)).ToArray();
            var y = Enumerable.Range(0, n).Select(_ => (float)rng.Next(-8, 9)).ToArray();
            Assert.Equal(x.Sum(), SpanMath.Sum(x));
            Assert.Equal(x.Zip(y, (a, b) => a * b).Sum(), SpanMath.Dot(x, y));
            Assert.Equal(x.Sum(a => a * a), SpanMath.SumOfSquares(x));

            var u = Values(rng, n);
            var v = Values(rng, n);
            var tolerance = 1e-5 * (n + 1);
            Assert.Equal(u.Sum(a => (double)a), SpanMath.Sum(u), tolerance);
            Assert.Equal(u.Zip(v, (a, b) => (double)a * b).Sum(), SpanMath.Dot(u, v), tolerance);
            Assert.Equal(u.Sum(a => (double)a * a), SpanMath.SumOfSquares(u), tolerance);
        }
    }
}
