using Auralis.Engine.Realtime;

namespace Auralis.Tests;

public class SampleScanTests
{
    [Fact]
    public void A_non_finite_sample_is_found_in_every_lane_and_tail_position()
    {
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        for (var n = 0; n <= 70; n++)
        {
            var x = Enumerable.Range(0, n).Select(i => MathF.Sin(i)).ToArray();
            Assert.True(SampleScan.AllFinite(x));
            for (var at = 0; at < n; at++)
            {
                var bad = x.ToArray();
                bad[at] = specials[at % 3];
                Assert.False(SampleScan.AllFinite(bad));
            }
        }
    }

    [Fact]
    public void Loud_finite_blocks_are_finite()
    {
        // A sum of these overflows to +Inf; the samples themselves are all finite.
        Assert.True(SampleScan.AllFinite(Enumerable.Repeat(float.MaxValue, 100).ToArray()));
    }
}
