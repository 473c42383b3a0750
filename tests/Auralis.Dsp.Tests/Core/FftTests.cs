using Auralis.Dsp;

namespace Auralis.Dsp.Tests.Core;

public class FftTests
{
    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]   // below the 16-point register pass (M = 8)
    [InlineData(32)]   // the register pass alone, no mirrored 16-bin blocks
    [InlineData(64)]
    [InlineData(128)]  // the first size with a mirrored 16-bin block in the (un)packing passes
    [InlineData(512)]  // the first size with whole 16×16 blocks in the bit reversal; an odd count of stages after the register pass
    [InlineData(1024)] // an even count: two-stage passes only
    [InlineData(2048)]
    [InlineData(4096)]
    [InlineData(8192)]
    public void Forward_matches_a_direct_dft_and_inverse_returns_the_signal(int n)
    {
        var rng = new Random(n);
        var x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var fft = new RealFft(n);
        var re = new float[fft.BinCount];
        var im = new float[fft.BinCount];
        fft.Forward(x, re, im);
        for (var k = 0; k <= n / 2; k++)
        {
            double sr = 0, si = 0;
            for (var t = 0; t < n; t++)
            {
                sr += x[t] * Math.Cos(2 * Math.PI * k * t / n);
                si -= x[t] * Math.Sin(2 * Math.PI * k * t / n);
            }
            // float accumulation over n terms: error grows like sqrt(n)·log(n)·eps
            Assert.Equal(sr, re[k], 1e-4 * Math.Sqrt(n));
            Assert.Equal(si, im[k], 1e-4 * Math.Sqrt(n));
        }
        var back = new float[n];
        fft.Inverse(re, im, back);
        for (var t = 0; t < n; t++)
        {
            Assert.Equal(x[t], back[t], 1e-5);
        }
    }

    [Fact]
    public void Transforms_allocate_nothing()
    {
        var fft = new RealFft(2048);
        var x = new float[2048];
        var re = new float[1025];
        var im = new float[1025];
        fft.Forward(x, re, im);
        fft.Inverse(re, im, x);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            fft.Forward(x, re, im);
            fft.Inverse(re, im, x);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
