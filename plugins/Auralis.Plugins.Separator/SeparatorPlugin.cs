using Auralis.Dsp.Separation;
using Auralis.Sdk;

namespace Auralis.Plugins.Separator;

/// <summary>
/// Harmonic/percussive separation by median filtering (librosa <c>hpss</c> defaults; see <see cref="HarmonicPercussive"/>).
/// Outputs <c>harmonic</c> and <c>percussive</c>, each with the input's channel count; each channel is separated on its
/// own. With margin 1 the two outputs add back to the input.
/// </summary>
public sealed class SeparatorPlugin : IAudioPlugin
{
    private static readonly PluginDescriptor Facts = new(
        "org.auralis.separator", "Auralis Harmonic/Percussive Separator", "Auralis", new SemanticVersion(1, 0, 0), PluginKind.Processor,
        [
            new AudioLayout("stereo", [new AudioPort("in", 2)], [new AudioPort("harmonic", 2), new AudioPort("percussive", 2)]),
            new AudioLayout("mono", [new AudioPort("in", 1)], [new AudioPort("harmonic", 1), new AudioPort("percussive", 1)]),
        ],
        [
            new ParameterInfo("margin", "Margin", 1f, 8f, 1f),
            new ParameterInfo("power", "Mask power", 1f, 8f, 2f),
        ]);

    private HarmonicPercussive[] _channels = [];

    /// <inheritdoc />
    public PluginDescriptor Descriptor => Facts;

    /// <inheritdoc />
    public int LatencySamples => HarmonicPercussive.Latency;

    /// <inheritdoc />
    public int TailSamples => HarmonicPercussive.Tail;

    /// <inheritdoc />
    public void Initialize(AudioSetup setup)
    {
        _channels = new HarmonicPercussive[setup.Layout.InputChannelCount];
        for (var c = 0; c < _channels.Length; c++)
        {
            _channels[c] = new HarmonicPercussive(setup.MaxBlockSize, SeparationOutputs.Audio); // nobody reads its energies
        }
    }

    /// <inheritdoc />
    public void Reset()
    {
        foreach (var channel in _channels)
        {
            channel.Reset();
        }
    }

    /// <inheritdoc />
    public ProcessStatus Process(in ProcessContext context)
    {
        var n = _channels.Length;
        for (var c = 0; c < n; c++)
        {
            var separator = _channels[c];
            separator.Margin = context.Parameters[0];
            separator.Power = context.Parameters[1];
            separator.Process(context.Input(c), context.Output(c), context.Output(n + c));
        }
        return ProcessStatus.Normal;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
