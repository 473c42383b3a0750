using Auralis.Engine.Realtime;

namespace Auralis.Tests;

// The render sequence's gain and mix steps: exactly the element-by-element definition in vector bodies and tails.
public class SampleMathTests
{
    [Fact]
    public void Gain_and_mix_steps_equal_their_definition_at_every_length()
    {
        var rng = new Random(11);
        for (var n = 0; n <= 70; n++)
        {
            var source = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var before = Enumerable.Range(0, n + 3).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();

            var destination = before.ToArray();
            SampleMath.Scale(source, 0.3f, destination);
            Assert.Equal(source.Select(s => s * 0.3f).Concat(before[n..]), destination);

            destination = before.ToArray();
            SampleMath.AddScaled(source, 1f, destination);
            Assert.Equal(source.Select((s, i) => before[i] + s).Concat(before[n..]), destination);

            destination = before.ToArray();
            SampleMath.AddScaled(source, -1.7f, destination);
            Assert.Equal(source.Select((s, i) => s * -1.7f + before[i]).Concat(before[n..]), destination);
        }
    }

    [Fact]
    public void A_destination_shorter_than_the_source_is_refused()
    {
        var source = new float[9];
        Assert.Throws<ArgumentException>(() => SampleMath.Scale(source, 2f, new float[8]));
        Assert.Throws<ArgumentException>(() => SampleMath.AddScaled(source, 2f, new float[8]));
    }
}
