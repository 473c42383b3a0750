using Auralis.Engine.Graph;
using Auralis.Offline.SndFile;

namespace Auralis.Offline;

/// <summary>
/// Runs a compiled sequence over a file from the reader's current position and delivers output aligned with the input:
/// output frame k is the processing of input frame k (the sequence's latency is trimmed); when the file ends, silence is
/// rendered to drain the latency and the tail. The one loop behind whole-file processing and streamed chunks.
/// </summary>
public static class AlignedRender
{
    /// <summary>What a run consumed and produced.</summary>
    /// <param name="InputFrames">Frames read from the file.</param>
    /// <param name="OutputFrames">Frames delivered.</param>
    public readonly record struct Counts(long InputFrames, long OutputFrames);

    /// <summary>Renders and delivers up to <paramref name="maxOutputFrames"/> aligned frames.</summary>
    /// <param name="sequence">The compiled graph, reset, with as many input channels as the file.</param>
    /// <param name="reader">The file, positioned where rendering starts.</param>
    /// <param name="skipFrames">Aligned frames to render and drop before delivering (a pre-roll that lets state settle).</param>
    /// <param name="maxOutputFrames">Frames to deliver at most; <see cref="long.MaxValue"/> for the whole file plus its tail.</param>
    /// <param name="deliver">Receives each run of output: one array per output channel, valid for the first count frames.</param>
    /// <param name="inputProgress">Called after each block with the input frames read so far.</param>
    public static Counts Run(RenderSequence sequence, AudioFileReader reader, long skipFrames, long maxOutputFrames,
        Action<float[][], int> deliver, Action<long>? inputProgress = null)
    {
        var block = sequence.MaxBlockSize;
        var input = Channels(reader.Info.Channels, block);
        var output = Channels(sequence.OutputChannelCount, block);
        long skip = skipFrames + sequence.LatencySamples;
        // Input needed for the frames asked for; the tail beyond it comes from the flush after the file's end.
        var inputLeft = maxOutputFrames == long.MaxValue ? long.MaxValue : skipFrames + maxOutputFrames + sequence.LatencySamples;
        long flushLeft = sequence.LatencySamples + sequence.TailSamples;
        long read = 0, delivered = 0;
        var inputDone = false;
        while (delivered < maxOutputFrames)
        {
            int frames;
            if (!inputDone)
            {
                frames = inputLeft > 0 ? reader.Read(input, (int)Math.Min(block, inputLeft)) : 0;
                if (frames == 0)
                {
                    inputDone = true;
                    if (inputLeft > 0)
                    {
                        sequence.MarkInputEnd(); // the file ended: what follows is flush silence
                    }
                    else
                    {
                        flushLeft = 0; // enough input was read for what was asked, and the file goes on
                    }
                    continue;
                }
                read += frames;
                if (inputLeft != long.MaxValue)
                {
                    inputLeft -= frames;
                }
            }
            else
            {
                if (flushLeft <= 0)
                {
                    break;
                }
                frames = (int)Math.Min(block, flushLeft);
                flushLeft -= frames;
                foreach (var ch in input)
                {
                    Array.Clear(ch, 0, frames);
                }
            }
            for (var c = 0; c < input.Length; c++)
            {
                input[c].AsSpan(0, frames).CopyTo(sequence.Input(c));
            }
            sequence.Render(frames);
            var skipped = (int)Math.Min(skip, frames);
            skip -= skipped;
            var take = (int)Math.Min(frames - skipped, maxOutputFrames - delivered);
            if (take > 0)
            {
                for (var c = 0; c < output.Length; c++)
                {
                    sequence.Output(c).Slice(skipped, take).CopyTo(output[c]);
                }
                deliver(output, take);
                delivered += take;
            }
            inputProgress?.Invoke(read);
        }
        return new Counts(read, delivered);
    }

    private static float[][] Channels(int count, int frames)
    {
        var result = new float[count][];
        for (var c = 0; c < count; c++)
        {
            result[c] = new float[frames];
        }
        return result;
    }
}
