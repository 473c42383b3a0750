using Auralis.Sdk;

namespace Auralis.Dsp;

/// <summary>Receives the analysis frames a <see cref="MonoFramer"/> cuts.</summary>
public interface IFrameConsumer
{
    /// <summary>One complete frame; <paramref name="centre"/> is the stream sample index at its centre. Audio thread.</summary>
    void OnFrame(ReadOnlySpan<float> frame, long centre);
}

/// <summary>
/// The front end every analyzer shares: mixes a block's input channels to mono (their mean; NaN/±Inf count as
/// silence), cuts centred frames (frame k centred on sample k·hop, zeros before the start) and hands each to a
/// consumer — except frames centred at or past the end of real input while the host flushes (<see cref="ProcessContext.InputEnd"/>),
/// so offline analysis covers exactly the file. Needs the host to flush <see cref="TailSamples"/> samples after the
/// input. Allocation-free after construction.
/// </summary>
public sealed class MonoFramer
{
    private readonly FrameAssembler _framer;
    private readonly float[] _mono;

    /// <summary>Creates a framer for blocks of up to <paramref name="maxBlock"/> frames.</summary>
    public MonoFramer(int frameSize, int hop, int maxBlock)
    {
        _framer = new FrameAssembler(frameSize, hop, frameSize / 2);
        _mono = new float[maxBlock];
        FrameSize = frameSize;
        Hop = hop;
    }

    /// <summary>Samples per frame.</summary>
    public int FrameSize { get; }

    /// <summary>Samples between frame centres.</summary>
    public int Hop { get; }

    /// <summary>Samples of silence the host must feed after the input for the last frames to complete (half a frame).</summary>
    public int TailSamples => FrameSize / 2;

    /// <summary>Mixes, frames and hands complete frames of this block to <paramref name="consumer"/>.</summary>
    public void Push(in ProcessContext context, IFrameConsumer consumer)
    {
        var mono = _mono.AsSpan(0, context.FrameCount);
        DownMix(context, mono);
        PushMono(mono, context.InputEnd, consumer);
    }

    /// <summary>Frames an already mixed mono block; <paramref name="inputEnd"/> as <see cref="ProcessContext.InputEnd"/>.</summary>
    public void PushMono(ReadOnlySpan<float> mono, long inputEnd, IFrameConsumer consumer)
    {
        var end = inputEnd < 0 ? long.MaxValue : inputEnd;
        var rest = mono;
        while (!rest.IsEmpty)
        {
            rest = rest[_framer.Write(rest)..];
            if (_framer.FrameReady)
            {
                if (_framer.FrameCentre < end)
                {
                    consumer.OnFrame(_framer.Frame, _framer.FrameCentre);
                }
                _framer.Advance();
            }
        }
    }

    /// <summary>Starts again at sample 0.</summary>
    public void Reset() => _framer.Reset();

    /// <summary>The mean of the input channels, with non-finite samples as silence.</summary>
    public static void DownMix(in ProcessContext context, Span<float> mono)
    {
        var channels = context.InputChannelCount;
        FiniteSamples.Copy(context.Input(0)[..mono.Length], mono);
        for (var c = 1; c < channels; c++)
        {
            FiniteSamples.Add(context.Input(c)[..mono.Length], mono);
        }
        if (channels > 1)
        {
            SpanMath.Multiply(mono, 1f / channels, mono);
        }
    }
}
