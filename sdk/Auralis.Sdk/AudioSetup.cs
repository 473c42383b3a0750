namespace Auralis.Sdk;

/// <summary>Whether audio arrives in real time (a live stream) or from a file as fast as possible.</summary>
public enum ProcessMode
{
    /// <summary>From a file; the stream has an end and may be known in length.</summary>
    Offline,

    /// <summary>Live (JACK, a DAW); the stream has no known end, memory must stay bounded.</summary>
    Realtime,
}

/// <summary>What the host tells a plugin in <see cref="IAudioPlugin.Initialize"/>.</summary>
/// <remarks>Thread: any. Immutable.</remarks>
public readonly struct AudioSetup
{
    /// <summary>Creates a setup.</summary>
    /// <param name="layout">One of the layouts in the plugin's descriptor.</param>
    /// <param name="sampleRate">Samples per second per channel (8 000 to 384 000).</param>
    /// <param name="maxBlockSize">The most frames any one <see cref="IAudioPlugin.Process"/> call will carry (1 or more).</param>
    /// <param name="mode">Offline or realtime.</param>
    /// <param name="expectedLength">Total input frames when known (offline files), else -1.</param>
    public AudioSetup(AudioLayout layout, double sampleRate, int maxBlockSize, ProcessMode mode = ProcessMode.Offline,
        long expectedLength = -1)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (!(sampleRate >= 8000 && sampleRate <= 384000))
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "sample rate must be 8000..384000 Hz");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBlockSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(expectedLength, -1);
        Layout = layout;
        SampleRate = sampleRate;
        MaxBlockSize = maxBlockSize;
        Mode = mode;
        ExpectedLength = expectedLength;
    }

    /// <summary>The layout the host chose.</summary>
    public AudioLayout Layout { get; }

    /// <summary>Samples per second per channel.</summary>
    public double SampleRate { get; }

    /// <summary>The most frames in one process call.</summary>
    public int MaxBlockSize { get; }

    /// <summary>Offline or realtime.</summary>
    public ProcessMode Mode { get; }

    /// <summary>Total input frames when known, else -1. A hint for preallocation, never a promise.</summary>
    public long ExpectedLength { get; }
}
