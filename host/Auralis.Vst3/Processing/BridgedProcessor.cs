using Auralis.Engine.Plugins;
using Auralis.Sdk;

namespace Auralis.Vst3.Processing;

/// <summary>
/// The audio side behind one VST3 instance: one Auralis plugin (<see cref="PluginProcessor"/>) or a compiled graph
/// (<see cref="ChainProcessor"/>). The component moves the host's buffers in and out of <see cref="Input"/> and
/// <see cref="Output"/>; this class never sees VST3 types.
/// </summary>
/// <remarks>
/// Threads: members marked audio are called from the DAW's process thread and never allocate, lock or throw because
/// of a plugin; control members are never called while the audio thread is inside <see cref="Render"/> (the component
/// holds it off).
/// </remarks>
internal abstract class BridgedProcessor : IDisposable
{
    /// <summary>The current buses.</summary>
    public abstract BusLayout Buses { get; }

    /// <summary>The input parameters, in <see cref="SetParameter"/> index order.</summary>
    public abstract IReadOnlyList<ParameterInfo> Parameters { get; }

    /// <summary>The loaded plugins it runs (for the warm-up). Thread: control.</summary>
    public abstract IReadOnlyList<LoadedPlugin> Plugins { get; }

    /// <summary>Frames by which output lags input. Valid after <see cref="Prepare"/>.</summary>
    public abstract int LatencySamples { get; }

    /// <summary>Frames of tail after the latency.</summary>
    public abstract int TailSamples { get; }

    /// <summary>True once something failed and audio passes through unprocessed. Thread: any.</summary>
    public abstract bool IsFaulted { get; }

    /// <summary>The latest frame-result values (analyzers), concatenated in descriptor order. Thread: audio.</summary>
    public virtual ReadOnlySpan<float> Results => [];

    /// <summary>Switches to the layout with these channel counts per bus; false when none fits. Thread: control.</summary>
    public abstract bool TrySelectBuses(ReadOnlySpan<int> inputChannels, ReadOnlySpan<int> outputChannels);

    /// <summary>(Re)initialises for a sample rate and block size; allocates everything audio needs. Thread: control.</summary>
    /// <exception cref="Exception">The plugin refused the setup; the message names it.</exception>
    public abstract void Prepare(double sampleRate, int maxBlockSize);

    /// <summary>Clears audio state. Thread: control.</summary>
    public abstract void Reset();

    /// <summary>Input channel <paramref name="channel"/> (numbered across buses) for the next block. Thread: audio.</summary>
    public abstract Span<float> Input(int channel);

    /// <summary>Output channel <paramref name="channel"/> after <see cref="Render"/>. Thread: audio.</summary>
    public abstract ReadOnlySpan<float> Output(int channel);

    /// <summary>Sets input parameter <paramref name="index"/> to a plain value. Thread: audio.</summary>
    public abstract void SetParameter(int index, float plain);

    /// <summary>The current plain value of input parameter <paramref name="index"/>. Thread: any.</summary>
    public abstract float GetParameter(int index);

    /// <summary>Processes one block of up to the prepared block size. Thread: audio.</summary>
    public abstract void Render(int frames);

    /// <summary>What failed, for people; null while healthy. Thread: control.</summary>
    public abstract string? DescribeFault();

    /// <summary>The state as the SDK's PluginState JSON (UTF-8). Thread: control.</summary>
    public abstract byte[] SaveState();

    /// <summary>
    /// Parses (and, for a chain, compiles) a saved state and returns the step that swaps it in; the caller runs that
    /// step while the audio thread is held off. Thread: control.
    /// </summary>
    /// <exception cref="FormatException">The state is not valid for this class.</exception>
    public abstract Action StageState(byte[] state);

    public abstract void Dispose();
}
