namespace Auralis.Dsp;

/// <summary>
/// The synthesis half of a streaming ISTFT: frames of <see cref="FrameSize"/> samples are added every
/// <see cref="Hop"/> samples; after each frame the oldest <see cref="Hop"/> samples are final and are returned.
/// Allocation-free after construction.
/// </summary>
public sealed class OverlapAdd
{
    private readonly float[] _accumulator;

    /// <summary>Creates an accumulator.</summary>
    public OverlapAdd(int frameSize, int hop)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hop, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hop, frameSize);
        FrameSize = frameSize;
        Hop = hop;
        _accumulator = new float[frameSize];
    }

    /// <summary>Samples per frame.</summary>
    public int FrameSize { get; }

    /// <summary>Samples between frames.</summary>
    public int Hop { get; }

    /// <summary>
    /// Adds <paramref name="frame"/> (already windowed and scaled) and writes the <see cref="Hop"/> samples that no
    /// later frame will touch into <paramref name="completed"/>.
    /// </summary>
    public void Add(ReadOnlySpan<float> frame, Span<float> completed)
    {
        var acc = _accumulator.AsSpan();
        SpanMath.Add(acc, frame[..FrameSize], acc);
        acc[..Hop].CopyTo(completed);
        acc[Hop..].CopyTo(acc);
        acc[^Hop..].Clear();
    }

    /// <summary>Clears everything accumulated.</summary>
    public void Reset() => Array.Clear(_accumulator);
}
