namespace Auralis.Engine.Realtime;

/// <summary>
/// A bounded, lock-free, single-producer single-consumer queue. The audio thread uses it to receive parameter changes,
/// to publish callback timings and to hand finished render sequences back, without allocating, locking or blocking.
/// </summary>
/// <remarks>Exactly one thread may call <see cref="TryEnqueue"/> and exactly one other may call <see cref="TryDequeue"/>.</remarks>
public sealed class SpscQueue<T>
{
    private readonly T[] _items;
    private readonly int _mask;
    // Padded apart so producer and consumer do not fight over one cache line.
    private PaddedLong _head; // next slot to read (consumer-owned)
    private PaddedLong _tail; // next slot to write (producer-owned)

    /// <summary>Creates a queue holding up to <paramref name="capacity"/> items (rounded up to a power of two).</summary>
    public SpscQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity);
        _items = new T[size];
        _mask = size - 1;
    }

    /// <summary>How many items fit.</summary>
    public int Capacity => _items.Length;

    /// <summary>Items waiting (a snapshot; exact only on the producer or consumer thread).</summary>
    public int Count => (int)(Volatile.Read(ref _tail.Value) - Volatile.Read(ref _head.Value));

    /// <summary>Adds an item; false when full (the item is dropped, never blocked on). Producer thread only.</summary>
    public bool TryEnqueue(in T item)
    {
        var tail = _tail.Value;
        if (tail - Volatile.Read(ref _head.Value) >= _items.Length)
        {
            return false;
        }
        _items[tail & _mask] = item;
        Volatile.Write(ref _tail.Value, tail + 1);
        return true;
    }

    /// <summary>Takes the oldest item; false when empty. Consumer thread only.</summary>
    public bool TryDequeue([System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T item)
    {
        var head = _head.Value;
        if (head == Volatile.Read(ref _tail.Value))
        {
            item = default;
            return false;
        }
        item = _items[head & _mask];
        if (System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            _items[head & _mask] = default!; // the queue must not keep a dequeued object alive
        }
        Volatile.Write(ref _head.Value, head + 1);
        return true;
    }
}

/// <summary>A long alone on its own cache line (false-sharing guard).</summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 128)]
internal struct PaddedLong
{
    [System.Runtime.InteropServices.FieldOffset(64)]
    public long Value;
}
