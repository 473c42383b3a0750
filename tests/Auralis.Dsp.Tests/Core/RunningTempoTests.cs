using Auralis.Dsp.Rhythm;

namespace Auralis.Dsp.Tests.Core;

public class RunningTempoTests
{
    // A click envelope at 128 BPM with some noise, 86 frames per second.
    private static float[] Envelope(int frames, double fps, double bpm)
    {
        var rng = new Random(7);
        var period = 60 * fps / bpm;
        return Enumerable.Range(0, frames)
            .Select(i => (float)((i % period < 1 ? 1.0 : 0.0) + 0.05 * rng.NextDouble()))
            .ToArray();
    }

    [Fact]
    public void Each_estimate_equals_the_one_shot_estimate_of_its_window_and_is_ready_within_one_refresh()
    {
        const double fps = 86.1328125; // 44.1 kHz, hop 512
        var envelope = Envelope(3000, fps, 128);
        var running = new RunningTempo(fps, windowSeconds: 12, minimumSeconds: 4, refreshSeconds: 1);
        var refresh = (int)Math.Round(fps);
        var window = (int)(12 * fps);
        var scratch = new double[TempoEstimator.ScratchLength(fps)];
        var estimates = 0;
        for (var n = 1; n <= envelope.Length; n++)
        {
            running.Push(envelope[n - 1]);
            // A refresh started at frame s (a multiple of the refresh period, s ≥ 4 s) is ready at s + refresh − 1.
            var started = n - (refresh - 1);
            if (started >= 4 * fps && started % refresh == 0)
            {
                var length = Math.Min(started, window);
                var expected = TempoEstimator.Estimate(envelope.AsSpan(started - length, length), fps, scratch);
                Assert.Equal(expected, running.Current);
                estimates++;
            }
        }
        Assert.True(estimates > 20, $"{estimates} estimates checked");
        Assert.InRange(running.Current.Bpm, 127, 129);
    }

    [Fact]
    public void Reset_forgets_the_envelope_and_the_estimate()
    {
        const double fps = 86.1328125;
        var running = new RunningTempo(fps);
        foreach (var v in Envelope(1000, fps, 100))
        {
            running.Push(v);
        }
        Assert.NotEqual(0, running.Current.Bpm);
        running.Reset();
        Assert.Equal(default, running.Current);
        foreach (var v in Envelope(300, fps, 100))
        {
            running.Push(v); // under 4 s: no estimate yet
        }
        Assert.Equal(default, running.Current);
    }
}

public class AutocorrelationTests
{
    [Fact]
    public void Autocorrelation_is_bit_identical_to_the_plain_sum_in_order()
    {
        var rng = new Random(7);
        foreach (var length in new[] { 3, 9, 17, 40, 65, 300, 1033 })
        {
            var x = Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 10)).ToArray();
            var mean = TempoEstimator.Mean(x);
            var acf = new double[length];
            TempoEstimator.Autocorrelate(x, mean, acf, 0, length - 1);
            for (var lag = 0; lag < length; lag++)
            {
                double sum = 0;
                for (var i = lag; i < length; i++)
                {
                    sum += (x[i] - mean) * (x[i - lag] - mean);
                }
                Assert.Equal(sum / (length - lag), acf[lag]);
            }
            // A slice starting anywhere gives the same values.
            var slice = new double[length];
            TempoEstimator.Autocorrelate(x, mean, slice, 1, length - 1);
            Assert.Equal(acf[1..], slice[1..]);
        }
    }
}
