using Auralis.Sdk;

namespace Auralis.Engine.Realtime;

/// <summary>
/// Carries one node's frame results off the audio thread: an <see cref="IResultSink"/> that copies each frame into a
/// preallocated ring (single producer: the audio thread; single consumer: a reader thread). When the reader falls behind,
/// new frames are dropped and counted, never waited for.
/// </summary>
public sealed class FrameResultRing : IResultSink
{
    private readonly long[] _centres;
    private readonly float[] _values;
    private readonly int _mask;
    private PaddedLong _head; // next frame to read (consumer-owned)
    private PaddedLong _tail; // next frame to write (producer-owned)
    private long _dropped;

    /// <summary>Creates a ring for frames of <paramref name="width"/> values.</summary>
    /// <param name="width">Values per frame (<see cref="PluginDescriptor.FrameResultWidth"/>).</param>
    /// <param name="capacity">Frames held before the reader must catch up (rounded up to a power of two).</param>
    public FrameResultRing(int width, int capacity = 512)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity);
        Width = width;
        _centres = new long[size];
        _values = new float[size * width];
        _mask = size - 1;
    }

    /// <summary>Values per frame.</summary>
    public int Width { get; }

    /// <summary>Frames dropped because the ring was full.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Copies a frame in (missing values are zero, extra ones ignored). Thread: audio. Never allocates or blocks.</summary>
    public void WriteFrame(long centreSample, ReadOnlySpan<float> values)
    {
        var tail = _tail.Value;
        if (tail - Volatile.Read(ref _head.Value) > _mask)
        {
            Volatile.Write(ref _dropped, _dropped + 1);
            return;
        }
        var slot = (int)(tail & _mask);
        var destination = _values.AsSpan(slot * Width, Width);
        var n = Math.Min(values.Length, Width);
        values[..n].CopyTo(destination);
        destination[n..].Clear();
        _centres[slot] = centreSample;
        Volatile.Write(ref _tail.Value, tail + 1);
    }

    /// <summary>Takes the oldest frame into <paramref name="values"/> (at least <see cref="Width"/> long). Thread: the reader.</summary>
    public bool TryRead(out long centreSample, Span<float> values)
    {
        var head = _head.Value;
        if (head == Volatile.Read(ref _tail.Value))
        {
            centreSample = 0;
            return false;
        }
        var slot = (int)(head & _mask);
        _values.AsSpan(slot * Width, Width).CopyTo(values);
        centreSample = _centres[slot];
        Volatile.Write(ref _head.Value, head + 1);
        return true;
    }

    /// <summary>Discards unread frames. Thread: the reader.</summary>
    public void Clear() => Volatile.Write(ref _head.Value, Volatile.Read(ref _tail.Value));
}
