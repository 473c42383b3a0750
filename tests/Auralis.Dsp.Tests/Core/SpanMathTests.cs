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
}
