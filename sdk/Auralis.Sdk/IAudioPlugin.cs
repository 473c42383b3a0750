namespace Auralis.Sdk;

/// <summary>
/// An Auralis plugin. The host creates it with its public parameterless constructor, then drives it through
/// <see cref="Initialize"/> → <see cref="Reset"/> → <see cref="Process"/>… → (<see cref="Summarize"/>) → <see cref="IDisposable.Dispose"/>.
/// </summary>
/// <remarks>
/// <para>Threads. <b>Control</b> is any non-audio thread the host uses to set the plugin up; the host never calls two
/// control members at once. <b>Audio</b> is the thread that calls <see cref="Process"/>; it may be a realtime thread
/// where allocating, locking, logging, blocking or doing I/O causes audible drop-outs. Control members that change
/// state (<see cref="Initialize"/>, <see cref="Reset"/>, state loading) are never called while
/// <see cref="Process"/> runs.</para>
/// <para>Plugins never see the format the host speaks (files, JACK, VST3, the web player); they see only this contract.</para>
/// </remarks>
public interface IAudioPlugin : IDisposable
{
    /// <summary>The plugin's fixed facts. Thread: any. Must return the same object for the instance's life.</summary>
    PluginDescriptor Descriptor { get; }

    /// <summary>
    /// Prepares for processing with one of the descriptor's layouts at a sample rate and maximum block size.
    /// Thread: control. May allocate: preallocate everything <see cref="Process"/> needs here. May be called again
    /// to change the setup.
    /// </summary>
    void Initialize(AudioSetup setup);

    /// <summary>
    /// Frames by which output lags input (e.g. a look-ahead or an STFT's frame). The host delays parallel paths to
    /// match. Thread: any. Valid after <see cref="Initialize"/> and constant until the next one.
    /// </summary>
    int LatencySamples { get; }

    /// <summary>
    /// Frames of output that may follow the end of input (beyond <see cref="LatencySamples"/>); the host keeps
    /// processing that long after input ends. Thread: any. Valid after <see cref="Initialize"/>.
    /// </summary>
    int TailSamples { get; }

    /// <summary>
    /// Clears all audio state (delay lines, filters, analysis history) as if no audio had been processed. Thread:
    /// control, or audio between blocks. Must not allocate.
    /// </summary>
    void Reset();

    /// <summary>
    /// Processes one block. Thread: audio. Must not allocate, lock, log, block or do I/O, and must write every
    /// output sample. Exceptions are treated like <see cref="ProcessStatus.Error"/>.
    /// </summary>
    ProcessStatus Process(in ProcessContext context);

    /// <summary>
    /// Publishes the summary of the stream processed since the last reset (e.g. median pitch, BPM and beat times).
    /// Thread: control, after the last <see cref="Process"/> of a stream. May allocate. Processors usually publish nothing.
    /// </summary>
    void Summarize(ISummarySink sink)
    {
    }

    /// <summary>
    /// Migration hook: turns parameter values saved by an older state version into this version's ids and meanings.
    /// Thread: control. The default keeps values whose ids still exist; missing ids get their defaults.
    /// </summary>
    /// <param name="fromVersion">The state version the values were saved with (older than the descriptor's).</param>
    /// <param name="parameters">Plain values by parameter id.</param>
    IReadOnlyDictionary<string, float> MigrateState(int fromVersion, IReadOnlyDictionary<string, float> parameters) => parameters;

    /// <summary>Private state beyond parameter values (most plugins have none). Thread: control.</summary>
    byte[]? SaveCustomState() => null;

    /// <summary>Restores what <see cref="SaveCustomState"/> saved, possibly by an older state version. Thread: control.</summary>
    void LoadCustomState(ReadOnlySpan<byte> data, int stateVersion)
    {
    }
}
