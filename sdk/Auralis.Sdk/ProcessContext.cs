namespace Auralis.Sdk;

/// <summary>What <see cref="IAudioPlugin.Process"/> reports about the block it just processed.</summary>
public enum ProcessStatus
{
    /// <summary>The block was processed.</summary>
    Normal,

    /// <summary>The block was processed, the input has ended or is silent, and the plugin is still emitting its tail.</summary>
    Tail,

    /// <summary>The plugin could not process the block. The host bypasses it from here on and reports the failure.</summary>
    Error,
}

/// <summary>
/// One block of audio handed to <see cref="IAudioPlugin.Process"/>: input and output channels, the current parameter
/// values and the sink for frame results. Constructed by the host; costs no allocation.
/// </summary>
/// <remarks>
/// Thread: audio. Valid only during the call it was passed to. Input and output channels never share memory.
/// Channels are numbered across ports in layout order (see <see cref="AudioLayout"/>).
/// </remarks>
public readonly ref struct ProcessContext
{
    private readonly ReadOnlySpan<float[]> _inputs;
    private readonly ReadOnlySpan<float[]> _outputs;

    /// <summary>Creates a context over host-owned channel arrays, each at least <paramref name="frameCount"/> long.</summary>
    /// <param name="frameCount">Frames in this block, 1..maxBlockSize.</param>
    /// <param name="position">Index of this block's first frame since the last <see cref="IAudioPlugin.Reset"/>.</param>
    /// <param name="inputs">One array per input channel.</param>
    /// <param name="outputs">One array per output channel.</param>
    /// <param name="parameters">Current plain parameter values, in descriptor order.</param>
    /// <param name="results">Where frame results go; hosts pass a sink that discards when nobody listens.</param>
    /// <param name="inputEnd">The position at which real input ended (later frames are silence the host feeds to
    /// flush latency and tails), or -1 while input continues.</param>
    public ProcessContext(int frameCount, long position, ReadOnlySpan<float[]> inputs, ReadOnlySpan<float[]> outputs,
        ReadOnlySpan<float> parameters, IResultSink results, long inputEnd = -1)
    {
        FrameCount = frameCount;
        Position = position;
        _inputs = inputs;
        _outputs = outputs;
        Parameters = parameters;
        Results = results;
        InputEnd = inputEnd;
    }

    /// <summary>Frames in this block.</summary>
    public int FrameCount { get; }

    /// <summary>Index of this block's first frame since the last reset.</summary>
    public long Position { get; }

    /// <summary>Where real input ended, or -1 while it continues (always -1 in realtime).</summary>
    public long InputEnd { get; }

    /// <summary>Number of input channels over all input ports.</summary>
    public int InputChannelCount => _inputs.Length;

    /// <summary>Number of output channels over all output ports.</summary>
    public int OutputChannelCount => _outputs.Length;

    /// <summary>Current plain parameter values in descriptor order. Changes arrive between blocks.</summary>
    public ReadOnlySpan<float> Parameters { get; }

    /// <summary>Where to publish frame results.</summary>
    public IResultSink Results { get; }

    /// <summary>The samples of input channel <paramref name="channel"/> for this block.</summary>
    public ReadOnlySpan<float> Input(int channel) => _inputs[channel].AsSpan(0, FrameCount);

    /// <summary>The samples of output channel <paramref name="channel"/> for this block; the plugin must write every one.</summary>
    public Span<float> Output(int channel) => _outputs[channel].AsSpan(0, FrameCount);
}

/// <summary>Receives per-frame results from an analyzer.</summary>
/// <remarks>Thread: audio. Host implementations never allocate, lock or block.</remarks>
public interface IResultSink
{
    /// <summary>
    /// Publishes one analysis frame: the values of every <see cref="ResultScope.Frame"/> result, concatenated in
    /// descriptor order (<see cref="PluginDescriptor.FrameResultWidth"/> floats).
    /// </summary>
    /// <param name="centreSample">The input sample index (since reset) at the centre of the analysed frame.</param>
    /// <param name="values">The frame's values; the sink copies them before returning.</param>
    void WriteFrame(long centreSample, ReadOnlySpan<float> values);
}

/// <summary>Receives a plugin's summary of a whole stream.</summary>
/// <remarks>Thread: control. May allocate.</remarks>
public interface ISummarySink
{
    /// <summary>Publishes a <see cref="ResultKind.Scalar"/> summary result.</summary>
    void Write(string resultId, double value);

    /// <summary>Publishes a vector, record or series summary result.</summary>
    void Write(string resultId, ReadOnlySpan<double> values);
}
