using Auralis.Dsp;

namespace Auralis.Dsp.Tests.Core;

public class MedianTests
{
    [Fact]
    public void Sliding_median_matches_sorting_the_window()
    {
        const int streams = 7, window = 31;
        var median = new SlidingMedian(streams, window);
        var rng = new Random(3);
        var histories = Enumerable.Range(0, streams).Select(_ => new List<float>()).ToArray();
        var values = new float[streams];
        var result = new float[streams];
        for (var step = 0; step < 500; step++)
        {
            for (var s = 0; s < streams; s++)
            {
                values[s] = rng.Next(0, 4) == 0 ? 0.25f : (float)rng.NextDouble(); // repeated values too
                histories[s].Add(values[s]);
            }
            median.Push(values, result);
            for (var s = 0; s < streams; s++)
            {
                var last = histories[s].TakeLast(window).ToList();
                while (last.Count < window)
                {
                    last.Insert(0, 0f); // not yet filled: zeros
                }
                last.Sort();
                Assert.Equal(last[window / 2], result[s]);
            }
        }
    }

    [Fact]
    public void Median_filter_matches_scipy_reflect_mode()
    {
        var rng = new Random(4);
        foreach (var (length, repeats) in new[] { (1, false), (2, false), (5, false), (40, false), (1025, false), (1025, true), (67, true) })
        {
            // Repeats: runs of equal values and zeros, as in the magnitude spectrum of quiet or band-limited audio.
            var x = Enumerable.Range(0, length)
                .Select(_ => repeats && rng.Next(0, 3) == 0 ? rng.Next(0, 3) * 0.25f : (float)rng.NextDouble()).ToArray();
            var y = new float[length];
            MedianFilter.Apply(x, 31, y, new float[MedianFilter.ScratchLength(31)]);
            for (var i = 0; i < length; i++)
            {
                var window = Enumerable.Range(i - 15, 31).Select(j => x[Reflect(j, length)]).Order().ToArray();
                Assert.Equal(window[15], y[i]);
            }
        }

        static int Reflect(int j, int n)
        {
            while (j < 0 || j >= n)
            {
                j = j < 0 ? -j - 1 : 2 * n - j - 1;
            }
            return j;
        }
    }
}
