using Auralis.Dsp;

namespace Auralis.Dsp.Tests.Core;

public class FiniteSamplesTests
{
    [Fact]
    public void Non_finite_samples_become_silence_in_every_lane_and_tail_position()
    {
        var rng = new Random(3);
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        for (var length = 0; length <= 70; length++)
        {
            for (var bad = -1; bad < length; bad++)
            {
                var source = Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
                if (bad >= 0)
                {
                    source[bad] = specials[bad % 3];
                }
                var copied = new float[length];
                FiniteSamples.Copy(source, copied);
                var sums = Enumerable.Range(0, length).Select(i => 0.25f * i).ToArray();
                var added = sums.ToArray();
                FiniteSamples.Add(source, added);
                for (var i = 0; i < length; i++)
                {
                    var expected = float.IsFinite(source[i]) ? source[i] : 0f;
                    Assert.Equal(expected, copied[i]);
                    Assert.Equal(sums[i] + expected, added[i]);
                }
            }
        }
    }
}
