using System.Diagnostics;
using Auralis.Engine.Graph;

namespace Auralis.Engine.Realtime;

/// <summary>One audio callback as the runner saw it: start and end in <see cref="Stopwatch"/> ticks, and its frames.</summary>
public readonly record struct CallbackTiming(long Start, long End, int Frames);

/// <summary>
/// Runs the current <see cref="RenderSequence"/> for a realtime adapter (JACK today; VST3 and the web player later) and
/// swaps in new ones without a click. The adapter copies its audio into <see cref="Input"/>, calls
/// <see cref="Process"/> on its audio thread and copies <see cref="Output"/> back out.
/// </summary>
/// <remarks>
/// <para>The control thread hands a finished sequence over with <see cref="Swap"/> (one
/// <see cref="Interlocked.Exchange{T}(ref T, T)"/>); the audio thread takes it at the next block and crossfades from the
/// old sequence's output to the new one's over <see cref="CrossfadeFrames"/> frames, then hands the old sequence back
/// through a lock-free queue so that it is disposed off the audio thread (<see cref="DisposeRetired"/>).</para>
/// <para>The audio thread never allocates, locks, logs or blocks here. It publishes one <see cref="CallbackTiming"/>
/// per block through a lock-free queue (statistics are computed elsewhere, see <see cref="CallbackStatistics"/>) and
/// the bytes it has allocated since it first ran (which must stay 0).</para>
/// </remarks>
public sealed class RealtimeRunner : IDisposable
{
    /// <summary>The default crossfade at a graph swap.</summary>
    public static readonly TimeSpan DefaultCrossfade = TimeSpan.FromMilliseconds(10);

    private static readonly double TicksPerSecond = Stopwatch.Frequency;

    private readonly float[][] _inputs;
    private readonly float[][] _outputs;
    private readonly SpscQueue<RenderSequence> _retired = new(16);
    private readonly SpscQueue<CallbackTiming> _timings;

    // Control → audio: the next sequence, taken with one exchange.
    private RenderSequence? _pending;

    // Audio-thread state.
    private RenderSequence _current;
    private RenderSequence? _fadingOut;
    private RenderSequence? _unretired;
    private int _fadePosition;
    private int _audioThreadId = -1;
    private long _allocationBaseline;
    private long _allocatedOnEarlierThreads;

    // Published by the audio thread (single writer), read anywhere.
    private RenderSequence _active;
    private long _callbacks;
    private long _swaps;
    private long _firstCallbackStart;
    private long _timingsDropped;
    private long _audioThreadAllocated;
    private int _denormalsFlushed = -1;

    // Written by the adapter's xrun notification.
    private long _xruns;
    private long _xrunsAfterFirstSecond;

    // Control-thread state.
    private RenderSequence _latest;
    private bool _disposed;

    /// <summary>Creates a runner playing <paramref name="first"/>. Thread: control.</summary>
    /// <param name="first">The sequence to start with (compiled for realtime, warmed up and reset).</param>
    /// <param name="crossfadeFrames">Frames over which a swap crossfades; 0 switches at a block boundary.</param>
    /// <param name="timingCapacity">Callback timings kept until the statistics reader drains them.</param>
    public RealtimeRunner(RenderSequence first, int crossfadeFrames, int timingCapacity = 16384)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentOutOfRangeException.ThrowIfNegative(crossfadeFrames);
        _current = _active = _latest = first;
        SampleRate = first.SampleRate;
        MaxBlockSize = first.MaxBlockSize;
        CrossfadeFrames = crossfadeFrames;
        _inputs = new float[first.InputChannelCount][];
        for (var c = 0; c < _inputs.Length; c++)
        {
            _inputs[c] = new float[MaxBlockSize];
        }
        _outputs = new float[first.OutputChannelCount][];
        for (var c = 0; c < _outputs.Length; c++)
        {
            _outputs[c] = new float[MaxBlockSize];
        }
        _timings = new SpscQueue<CallbackTiming>(timingCapacity);
        DenormalFlush.Prepare();
    }

    /// <summary>Samples per second.</summary>
    public double SampleRate { get; }

    /// <summary>The most frames one <see cref="Process"/> call may carry.</summary>
    public int MaxBlockSize { get; }

    /// <summary>Input channels (fixed for the runner's life: the adapter's ports).</summary>
    public int InputChannelCount => _inputs.Length;

    /// <summary>Output channels (fixed for the runner's life).</summary>
    public int OutputChannelCount => _outputs.Length;

    /// <summary>Frames over which a swap crossfades.</summary>
    public int CrossfadeFrames { get; }

    /// <summary>The sequence most recently handed over (it may still be pending). Thread: control.</summary>
    public RenderSequence Latest => _latest;

    /// <summary>The sequence whose output is fully audible (a swap's crossfade has finished). Thread: any.</summary>
    public RenderSequence Active => Volatile.Read(ref _active);

    /// <summary>True when the last sequence handed over is playing alone. Thread: any.</summary>
    public bool SwapCompleted => ReferenceEquals(Active, Volatile.Read(ref _latest));

    /// <summary>Audio callbacks so far.</summary>
    public long Callbacks => Volatile.Read(ref _callbacks);

    /// <summary>Swaps the audio thread has taken.</summary>
    public long Swaps => Volatile.Read(ref _swaps);

    /// <summary>Xruns reported by the adapter.</summary>
    public long Xruns => Volatile.Read(ref _xruns);

    /// <summary>Xruns reported more than one second after the first callback (start-up excluded).</summary>
    public long XrunsAfterFirstSecond => Volatile.Read(ref _xrunsAfterFirstSecond);

    /// <summary>The first callback's start (<see cref="Stopwatch"/> ticks), 0 before it.</summary>
    public long FirstCallbackStart => Volatile.Read(ref _firstCallbackStart);

    /// <summary>Timings dropped because the statistics reader fell behind.</summary>
    public long TimingsDropped => Volatile.Read(ref _timingsDropped);

    /// <summary>Bytes the audio thread allocated since its first callback (must stay 0 after warm-up).</summary>
    public long AudioThreadAllocatedBytes => Volatile.Read(ref _audioThreadAllocated);

    /// <summary>1 when the audio thread flushes denormals to zero, 0 when it does not, -1 before the first callback.</summary>
    public int DenormalsFlushed => Volatile.Read(ref _denormalsFlushed);

    /// <summary>Input channel <paramref name="channel"/>: the adapter writes up to <see cref="MaxBlockSize"/> frames. Thread: audio.</summary>
    public Span<float> Input(int channel) => _inputs[channel];

    /// <summary>Output channel <paramref name="channel"/>, valid after <see cref="Process"/>. Thread: audio.</summary>
    public ReadOnlySpan<float> Output(int channel) => _outputs[channel];

    /// <summary>Renders one block of 1..<see cref="MaxBlockSize"/> frames. Thread: audio; never allocates, locks or blocks.</summary>
    public void Process(int frames)
    {
        var start = Stopwatch.GetTimestamp();
        if (Environment.CurrentManagedThreadId != _audioThreadId)
        {
            EnterAudioThread(start);
        }
        if (_fadingOut is null && _unretired is null && Volatile.Read(ref _pending) is not null)
        {
            TakePending();
        }
        Render(_current, frames);
        for (var c = 0; c < _outputs.Length; c++)
        {
            _current.Output(c)[..frames].CopyTo(_outputs[c]);
        }
        if (_fadingOut is { } old)
        {
            Render(old, frames);
            Crossfade(old, frames);
        }
        else if (_unretired is { } finished && _retired.TryEnqueue(finished))
        {
            _unretired = null;
        }
        Volatile.Write(ref _callbacks, _callbacks + 1);
        if (!_timings.TryEnqueue(new CallbackTiming(start, Stopwatch.GetTimestamp(), frames)))
        {
            Volatile.Write(ref _timingsDropped, _timingsDropped + 1);
        }
        Volatile.Write(ref _audioThreadAllocated, _allocatedOnEarlierThreads + GC.GetAllocatedBytesForCurrentThread() - _allocationBaseline);
    }

    /// <summary>Counts an xrun the adapter was told about. Thread: any (the adapter's notification thread).</summary>
    public void CountXrun()
    {
        Interlocked.Increment(ref _xruns);
        var first = FirstCallbackStart;
        if (first != 0 && Stopwatch.GetTimestamp() - first > TicksPerSecond)
        {
            Interlocked.Increment(ref _xrunsAfterFirstSecond);
        }
    }

    /// <summary>Takes the oldest unread callback timing. Thread: one statistics reader.</summary>
    public bool TryReadTiming(out CallbackTiming timing) => _timings.TryDequeue(out timing);

    /// <summary>
    /// Hands <paramref name="next"/> to the audio thread, which crossfades to it at its next block. Returns at once.
    /// A sequence handed over earlier and not yet taken is disposed here. Thread: control.
    /// </summary>
    /// <exception cref="ArgumentException">The sequence does not fit the adapter's ports (channels, rate, block size).</exception>
    public void Swap(RenderSequence next)
    {
        ArgumentNullException.ThrowIfNull(next);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (next.InputChannelCount != InputChannelCount || next.OutputChannelCount != OutputChannelCount)
        {
            throw new ArgumentException(
                $"the new graph has {next.InputChannelCount} input and {next.OutputChannelCount} output channels; this run has " +
                $"{InputChannelCount} and {OutputChannelCount} (restart to change the channel count)", nameof(next));
        }
        if (next.SampleRate != SampleRate || next.MaxBlockSize != MaxBlockSize)
        {
            throw new ArgumentException(
                $"the new graph is compiled for {next.SampleRate} Hz / {next.MaxBlockSize} frames; this run needs {SampleRate} Hz / {MaxBlockSize}", nameof(next));
        }
        Volatile.Write(ref _latest, next);
        // Whoever exchanges a sequence out of _pending owns it: if the audio thread did not take the previous one, it is ours.
        Interlocked.Exchange(ref _pending, next)?.Dispose();
    }

    /// <summary>Disposes the sequences the audio thread has finished with; returns how many. Thread: control.</summary>
    public int DisposeRetired()
    {
        var count = 0;
        while (_retired.TryDequeue(out var sequence))
        {
            sequence.Dispose();
            count++;
        }
        return count;
    }

    /// <summary>Disposes every sequence the runner holds. Thread: control, after the adapter stopped calling <see cref="Process"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        DisposeRetired();
        Interlocked.Exchange(ref _pending, null)?.Dispose();
        _fadingOut?.Dispose();
        _unretired?.Dispose();
        _current.Dispose();
    }

    private void EnterAudioThread(long start)
    {
        // A new audio thread (the first, or an adapter that changed threads): flush denormals on it and restart the
        // allocation count from here, keeping what earlier threads allocated.
        _allocatedOnEarlierThreads = _audioThreadId == -1 ? 0 : AudioThreadAllocatedBytes;
        _audioThreadId = Environment.CurrentManagedThreadId;
        Volatile.Write(ref _denormalsFlushed, DenormalFlush.EnableOnCurrentThread() ? 1 : 0);
        _allocationBaseline = GC.GetAllocatedBytesForCurrentThread();
        if (FirstCallbackStart == 0)
        {
            Volatile.Write(ref _firstCallbackStart, start);
        }
    }

    private void TakePending()
    {
        var next = Interlocked.Exchange(ref _pending, null);
        if (next is null)
        {
            return;
        }
        Volatile.Write(ref _swaps, _swaps + 1);
        if (CrossfadeFrames == 0)
        {
            Retire(_current);
            _current = next;
            Volatile.Write(ref _active, next);
            return;
        }
        _fadingOut = _current;
        _current = next;
        _fadePosition = 0;
    }

    private void Render(RenderSequence sequence, int frames)
    {
        for (var c = 0; c < _inputs.Length; c++)
        {
            _inputs[c].AsSpan(0, frames).CopyTo(sequence.Input(c));
        }
        sequence.Render(frames);
    }

    // Output already holds the new sequence's block; blend the old one out linearly (both render the same input, so
    // their outputs are correlated and a linear fade keeps the level).
    private void Crossfade(RenderSequence old, int frames)
    {
        var length = CrossfadeFrames;
        var position = _fadePosition;
        var scale = 1f / length;
        for (var c = 0; c < _outputs.Length; c++)
        {
            var fading = old.Output(c);
            var output = _outputs[c];
            var n = Math.Min(frames, length - position);
            for (var i = 0; i < n; i++)
            {
                var g = (position + i) * scale;
                output[i] = fading[i] + (output[i] - fading[i]) * g;
            }
        }
        _fadePosition = position + frames;
        if (_fadePosition >= length)
        {
            _fadingOut = null;
            Retire(old);
            Volatile.Write(ref _active, _current);
        }
    }

    private void Retire(RenderSequence sequence)
    {
        if (!_retired.TryEnqueue(sequence))
        {
            _unretired = sequence; // the control thread is behind; hand it over at a later block
        }
    }
}
