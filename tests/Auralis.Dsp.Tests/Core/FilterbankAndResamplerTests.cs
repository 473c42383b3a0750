using Auralis.Dsp;

namespace Auralis.Dsp.Tests.Core;

public class FilterbankAndResamplerTests
{
    [Fact]
    public void Slaney_mel_scale_matches_librosa_values()
    {
        // librosa.hz_to_mel (htk=False): linear 200/3 Hz per mel below 1 kHz, log above; 1 kHz = 15 mel.
        Assert.Equal(15.0, MelFilterbank.HzToMel(1000), 9);
        Assert.Equal(6.6, MelFilterbank.HzToMel(440), 9);
        Assert.Equal(2000, MelFilterbank.MelToHz(MelFilterbank.HzToMel(2000)), 6);
        Assert.Equal(15.0 + 27 * Math.Log(4) / Math.Log(6.4), MelFilterbank.HzToMel(4000), 9);
    }

    [Fact]
    public void Mel_bands_pick_up_a_tone_in_the_band_that_contains_it()
    {
        var bank = new MelFilterbank(22050, 2048, 64);
        var power = new float[1025];
        var bin = (int)Math.Round(3000.0 / 22050 * 2048);
        power[bin] = 1;
        var mel = new float[64];
        bank.Apply(power, mel);
        var best = Array.IndexOf(mel, mel.Max());
        var centreOf = (int b) => MelFilterbank.MelToHz(MelFilterbank.HzToMel(22050 / 2.0) * (b + 1) / 65);
        Assert.InRange(3000, centreOf(best - 1), centreOf(best + 1));
    }

    [Fact]
    public void Upsampling_by_four_reconstructs_a_sine_between_the_samples()
    {
        const int rate = 48000;
        var up = new PolyphaseResampler(4, 1, 48);
        var x = Enumerable.Range(0, 4800).Select(i => (float)Math.Sin(2 * Math.PI * 5000 * i / rate)).ToArray();
        var y = new float[up.MaxOutputs(x.Length)];
        var n = up.Process(x, y);
        Assert.Equal(4 * x.Length, n);
        var delay = up.DelayInInputSamples;
        double err = 0, sig = 0;
        for (var m = 1000; m < n - 200; m++)
        {
            var t = m / 4.0 - delay;
            var expected = Math.Sin(2 * Math.PI * 5000 * t / rate);
            err += (y[m] - expected) * (y[m] - expected);
            sig += expected * expected;
        }
        Assert.True(10 * Math.Log10(sig / err) > 60, $"SNR {10 * Math.Log10(sig / err):0.0} dB");
    }

    [Theory]
    [InlineData(4, 12)] // the loudness meter's true peak
    [InlineData(4, 32)] // the enhancer's limiter
    [InlineData(4, 5)]
    public void The_largest_oversampled_magnitude_is_the_largest_output_bit_for_bit(int up, int taps)
    {
        // MaxMagnitude computes the outputs lane-wise, many inputs at once; the values must be Process's own: the same
        // maximum whatever the block sizes, mixed with Process on one stream, with non-finite inputs skipped.
        var random = new Random(7);
        var x = new float[5000];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (float)(random.NextDouble() * 2 - 1) * (i % 700 < 350 ? 1f : 1e-3f);
        }
        x[1234] = float.NaN;
        x[2345] = float.PositiveInfinity;
        var reference = new PolyphaseResampler(up, 1, taps);
        var output = new float[reference.MaxOutputs(x.Length)];
        var written = reference.Process(x, output);
        var expected = output[..written].Select(MathF.Abs).Where(float.IsFinite).Max();
        Assert.Contains(output[..written], float.IsNaN); // the skipped values exist

        foreach (var block in new[] { 1, 7, 64, 1000, 2500, 5000 })
        {
            var peaks = new PolyphaseResampler(up, 1, taps);
            var peak = 0f;
            var scratch = new float[peaks.MaxOutputs(block)];
            var blocks = 0;
            for (var at = 0; at < x.Length; at += block, blocks++)
            {
                var part = x.AsSpan(at, Math.Min(block, x.Length - at));
                if (blocks % 3 == 2)
                {
                    // Process now and then: its outputs must match the reference's there, and the stream go on.
                    var n = peaks.Process(part, scratch);
                    Assert.Equal(output.AsSpan(at * up, n).ToArray(), scratch[..n]);
                    foreach (var v in scratch[..n])
                    {
                        if (float.IsFinite(v))
                        {
                            peak = MathF.Max(peak, MathF.Abs(v));
                        }
                    }
                }
                else
                {
                    peak = MathF.Max(peak, peaks.MaxMagnitude(part));
                }
            }
            Assert.Equal(expected, peak);
        }
        Assert.Equal(0f, new PolyphaseResampler(up, 1, taps).MaxMagnitude([]));
        Assert.Throws<InvalidOperationException>(() => new PolyphaseResampler(3, 1).MaxMagnitude(x));
    }

    [Fact]
    public void Ring_buffer_returns_the_latest_samples_in_order()
    {
        var ring = new RingBuffer(5);
        ring.Write([1, 2, 3]);
        ring.Write([4, 5, 6, 7]);
        var latest = new float[4];
        ring.CopyLatest(latest);
        Assert.Equal([4f, 5, 6, 7], latest);
        Assert.Equal(7f, ring.Ago(0));
        Assert.Equal(3f, ring.Ago(4));
    }
}
