using Auralis.Dsp;

namespace Auralis.Dsp.Tests.Core;

public class FramingTests
{
    private static List<(long Centre, float[] Frame)> Frames(float[] signal, FrameAssembler framer, Func<int, int> block)
    {
        var frames = new List<(long, float[])>();
        var at = 0;
        var b = 0;
        while (at < signal.Length)
        {
            var input = signal.AsSpan(at, Math.Min(block(b++), signal.Length - at));
            at += input.Length;
            while (!input.IsEmpty || framer.FrameReady)
            {
                input = input[framer.Write(input)..];
                if (!framer.FrameReady)
                {
                    break;
                }
                frames.Add((framer.FrameCentre, framer.Frame.ToArray()));
                framer.Advance();
            }
        }
        return frames;
    }

    [Fact]
    public void Frames_are_slices_of_the_padded_stream_for_any_block_pattern_and_centred_on_k_times_hop()
    {
        // Long enough for the frame window to wrap around its buffer several times (SlackHops frames each).
        var signal = Enumerable.Range(0, 60000).Select(i => (float)i).ToArray();
        var padded = new float[1024].Concat(signal).ToArray();
        var rng = new Random(1);
        foreach (var pattern in new Func<int, int>[] { _ => 60000, _ => 1, _ => 17, _ => 512, _ => rng.Next(1, 3000) })
        {
            var frames = Frames(signal, new FrameAssembler(2048, 512, 1024), pattern);
            Assert.Equal((signal.Length + 1024 - 2048) / 512 + 1, frames.Count);
            Assert.True(frames.Count > 3 * FrameAssembler.SlackHops);
            for (var f = 0; f < frames.Count; f++)
            {
                Assert.Equal(f * 512L, frames[f].Centre);
                Assert.Equal(padded.AsSpan(f * 512, 2048).ToArray(), frames[f].Frame);
            }
        }
    }

    [Fact]
    public void Stft_then_istft_reconstructs_the_signal_after_the_frame_latency()
    {
        const int n = 2048, hop = 512;
        var window = Windows.Hann(n);
        var norm = Windows.SquaredOverlapSum(window, hop);
        Assert.Equal(1.5f, norm, 4); // Hann² at hop N/4 overlap-adds to 3/2
        var framer = new FrameAssembler(n, hop, 0);
        var ola = new OverlapAdd(n, hop);
        var fft = new RealFft(n);
        float[] re = new float[fft.BinCount], im = new float[fft.BinCount], frame = new float[n], done = new float[hop];
        var rng = new Random(2);
        var x = Enumerable.Range(0, 48000).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var y = new List<float>();
        var input = x.AsSpan();
        while (!input.IsEmpty)
        {
            input = input[framer.Write(input)..];
            if (framer.FrameReady)
            {
                SpanMath.Multiply(framer.Frame, window, frame);
                fft.Forward(frame, re, im);
                fft.Inverse(re, im, frame);
                SpanMath.Multiply(frame, window, frame);
                SpanMath.Multiply(frame, 1 / norm, frame);
                ola.Add(frame, done);
                y.AddRange(done);
                framer.Advance();
            }
        }
        // Output sample j is input sample j once every frame covering it has been added (j ≥ n − hop).
        for (var j = n - hop; j < y.Count; j++)
        {
            Assert.Equal(x[j], y[j], 1e-5);
        }
    }
}
