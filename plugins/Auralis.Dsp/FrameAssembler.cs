namespace Auralis.Dsp;

/// <summary>
/// Cuts a stream into overlapping frames of <see cref="FrameSize"/> samples every <see cref="Hop"/> samples, whatever
/// sizes the stream arrives in. Frame k covers stream samples [k·hop − leadingZeros, k·hop − leadingZeros + size):
/// with leadingZeros = size/2 frame k is centred on sample k·hop (librosa's <c>center=True</c>, zero padded).
/// Allocation-free after construction; the same frames come out for any block size. The buffer holds several hops
/// beyond a frame, so a frame is a window into it that moves on by a hop; the overlap is moved back to the start only
/// when the window reaches the end (once per <see cref="SlackHops"/> frames, not a copy of the overlap per frame).
/// </summary>
/// <example><code>
/// while (!input.IsEmpty) {
///     input = input[framer.Write(input)..];
///     if (framer.FrameReady) { Analyse(framer.Frame, framer.FrameCentre); framer.Advance(); }
/// }
/// </code></example>
public sealed class FrameAssembler
{
    /// <summary>Hops the buffer holds beyond one frame.</summary>
    public const int SlackHops = 16;

    private readonly float[] _buffer;
    private readonly int _leadingZeros;
    private int _start;   // where the current frame begins in _buffer
    private int _filled;  // samples of it present
    private long _frameIndex;

    /// <summary>Creates a framer.</summary>
    public FrameAssembler(int frameSize, int hop, int leadingZeros)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hop, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hop, frameSize);
        ArgumentOutOfRangeException.ThrowIfNegative(leadingZeros);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(leadingZeros, frameSize);
        FrameSize = frameSize;
        Hop = hop;
        _leadingZeros = leadingZeros;
        _buffer = new float[frameSize + SlackHops * hop];
        Reset();
    }

    /// <summary>Samples per frame.</summary>
    public int FrameSize { get; }

    /// <summary>Samples between frame starts.</summary>
    public int Hop { get; }

    /// <summary>True when <see cref="Frame"/> holds a complete frame; call <see cref="Advance"/> after using it.</summary>
    public bool FrameReady => _filled == FrameSize;

    /// <summary>The current complete frame (valid while <see cref="FrameReady"/>).</summary>
    public ReadOnlySpan<float> Frame => _buffer.AsSpan(_start, FrameSize);

    /// <summary>Index of the current frame since reset.</summary>
    public long FrameIndex => _frameIndex;

    /// <summary>Stream sample index of the current frame's first sample (negative inside the leading zeros).</summary>
    public long FrameStart => _frameIndex * Hop - _leadingZeros;

    /// <summary>Stream sample index at the frame's centre (start + size/2).</summary>
    public long FrameCentre => FrameStart + FrameSize / 2;

    /// <summary>Takes samples until a frame is complete or the input is used up; returns how many were taken.</summary>
    public int Write(ReadOnlySpan<float> samples)
    {
        if (FrameReady)
        {
            return 0;
        }
        var n = Math.Min(samples.Length, FrameSize - _filled);
        samples[..n].CopyTo(_buffer.AsSpan(_start + _filled));
        _filled += n;
        return n;
    }

    /// <summary>Moves on by one hop, keeping the overlap.</summary>
    public void Advance()
    {
        if (!FrameReady)
        {
            throw new InvalidOperationException("no complete frame to advance past");
        }
        _start += Hop;
        _filled = FrameSize - Hop;
        if (_start + FrameSize > _buffer.Length)
        {
            _buffer.AsSpan(_start, _filled).CopyTo(_buffer);
            _start = 0;
        }
        _frameIndex++;
    }

    /// <summary>Starts again at stream sample 0 (the leading zeros are already in place).</summary>
    public void Reset()
    {
        Array.Clear(_buffer);
        _start = 0;
        _filled = _leadingZeros;
        _frameIndex = 0;
    }
}
