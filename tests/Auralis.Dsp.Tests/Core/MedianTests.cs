using Auralis.Dsp;

namespace Auralis.Dsp.Tests.Core;

public class MedianTests
{
    [Theory]
    [InlineData(7, 31)]
    [InlineData(1, 31)]
    [InlineData(16, 31)]
    [InlineData(17, 5)]
    [InlineData(1025, 31)]
    [InlineData(40, 1)]
    public void Sliding_median_matches_sorting_the_window(int streams, int window)
    {
        var median = new SlidingMedian(streams, window);
        var rng = new Random(3);
        var histories = Enumerable.Range(0, streams).Select(_ => new List<float>()).ToArray();
        var values = new float[streams];
        var result = new float[streams];
        for (var step = 0; step < 3 * window + 40; step++)
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

    // The column step at every vector width, whatever this CPU offers (the width a process uses is its widest).
    [Fact]
    public void Column_step_keeps_every_lane_sorted_at_every_width()
    {
        CheckColumns<Lanes1, float>();
        CheckColumns<Lanes128, System.Runtime.Intrinsics.Vector128<float>>();
        CheckColumns<Lanes256, System.Runtime.Intrinsics.Vector256<float>>();
        CheckColumns<Lanes512, System.Runtime.Intrinsics.Vector512<float>>();
    }

    private static void CheckColumns<TLanes, TVector>()
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
    {
        const int window = 9;
        var lanes = TLanes.Count;
        var rows = new float[window * lanes];
        Array.Fill(rows, float.PositiveInfinity);
        var windows = Enumerable.Range(0, lanes).Select(_ => new List<float>()).ToArray();
        var leaving = new float[lanes];
        var entering = new float[lanes];
        var rng = new Random(lanes);
        for (var step = 0; step < 200; step++)
        {
            for (var l = 0; l < lanes; l++)
            {
                // Fill each column from +∞ first (leaving +∞), then replace a random member, repeats included.
                leaving[l] = windows[l].Count < window ? float.PositiveInfinity : windows[l][rng.Next(window)];
                entering[l] = rng.Next(0, 3) == 0 ? 0.5f : (float)rng.NextDouble();
                if (windows[l].Count == window)
                {
                    windows[l].Remove(leaving[l]);
                }
                windows[l].Add(entering[l]);
            }
            SortedColumns.Replace<TLanes, TVector>(ref rows[0], lanes, window, TLanes.Load(ref leaving[0]), TLanes.Load(ref entering[0]));
            for (var l = 0; l < lanes; l++)
            {
                var expected = windows[l].Order().Concat(Enumerable.Repeat(float.PositiveInfinity, window - windows[l].Count)).ToArray();
                var column = Enumerable.Range(0, window).Select(r => rows[r * lanes + l]).ToArray();
                Assert.Equal(expected, column);
            }
        }
    }

    [Fact]
    public void Median_filter_matches_scipy_reflect_mode()
    {
        var rng = new Random(4);
        foreach (var (length, repeats) in new[] { (1, false), (2, false), (5, false), (15, true), (16, false), (17, true), (40, false), (1025, false), (1025, true), (67, true) })
        {
            // Repeats: runs of equal values and zeros, as in the magnitude spectrum of quiet or band-limited audio.
            var x = Enumerable.Range(0, length)
                .Select(_ => repeats && rng.Next(0, 3) == 0 ? rng.Next(0, 3) * 0.25f : (float)rng.NextDouble()).ToArray();
            if (repeats)
            {
                x[length / 2] = float.NaN; // counts as 0
            }
            foreach (var kernel in new[] { 31, 5, 1 })
            {
                var y = new float[length];
                MedianFilter.Apply(x, kernel, y, new float[MedianFilter.ScratchLength(kernel, length)]);
                for (var i = 0; i < length; i++)
                {
                    var window = Enumerable.Range(i - kernel / 2, kernel).Select(j => x[Reflect(j, length)])
                        .Select(v => float.IsNaN(v) ? 0 : v).Order().ToArray();
                    Assert.Equal(window[kernel / 2], y[i]);
                }
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
