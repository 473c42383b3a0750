using Auralis.Dsp.Pitch;

namespace Auralis.Dsp.Tests.Core;

public class YinTests
{
    private const int Frame = 2048, W = Frame / 2;
    private const double Rate = 44100;

    // A voiced, a noisy and a silent stretch: every branch of d′ and the threshold search.
    private static float[] Signal()
    {
        var rng = new Random(11);
        var x = new float[(int)Rate];
        for (var i = 0; i < x.Length; i++)
        {
            var t = i / Rate;
            x[i] = i < x.Length / 2
                ? (float)(0.6 * Math.Sin(2 * Math.PI * 220 * t) + 0.2 * Math.Sin(2 * Math.PI * 440 * t) + 0.01 * (rng.NextDouble() - 0.5))
                : i < 3 * x.Length / 4 ? (float)(rng.NextDouble() - 0.5) : 0f;
        }
        return x;
    }

    /// <summary>d′ from the definition, in double: d(τ) = Σ_{j&lt;W} (x[j] − x[j+τ])², d′(τ) = d(τ)·τ / Σ_{k=1..τ} d(k).</summary>
    private static double[] DirectCmnd(ReadOnlySpan<float> frame)
    {
        var cmnd = new double[W];
        cmnd[0] = 1;
        double running = 0;
        for (var tau = 1; tau < W; tau++)
        {
            double d = 0;
            for (var j = 0; j < W; j++)
            {
                var e = frame[j] - (double)frame[j + tau];
                d += e * e;
            }
            running += d;
            cmnd[tau] = running > 1e-20 ? d * tau / running : 1;
        }
        return cmnd;
    }

    [Theory]
    [InlineData(512)]  // W/2, the plugins' hop: each first half is the second half of the frame before last
    [InlineData(256)]  // W/4
    [InlineData(1024)] // W
    [InlineData(700)]  // no overlap of halves: every frame transforms both
    public void Reusing_kept_half_spectra_gives_the_same_estimates_as_a_fresh_instance_and_the_definition(int hop)
    {
        var x = Signal();
        var streaming = new Yin(Frame, Rate);
        var frames = 0;
        double worst = 0;
        for (var start = 0; start + Frame <= x.Length; start += hop, frames++)
        {
            var frame = x.AsSpan(start, Frame);
            var kept = streaming.Estimate(frame, 0.12f, 60f, 1500f);
            var fresh = new Yin(Frame, Rate);
            Assert.Equal(fresh.Estimate(frame, 0.12f, 60f, 1500f), kept);
            Assert.True(fresh.Cmnd.SequenceEqual(streaming.Cmnd), $"frame at {start}: d′ differs from a fresh instance's");
            if (frames % 9 == 0)
            {
                var direct = DirectCmnd(frame);
                for (var tau = 1; tau < W; tau++)
                {
                    worst = Math.Max(worst, Math.Abs(direct[tau] - streaming.Cmnd[tau]));
                }
            }
        }
        Assert.True(frames > 20);
        // float FFT against double sums: d′ is within ~1e-4 where it matters (values 0…~3).
        Assert.True(worst < 2e-3, $"d′ is {worst:E2} away from the definition");
    }
}
