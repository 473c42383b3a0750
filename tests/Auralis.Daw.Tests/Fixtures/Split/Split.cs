using Auralis.Sdk;

namespace Auralis.Fixtures;

/// <summary>Two output ports, like a separator's stems: <c>main</c> carries the input, <c>inverted</c> its negation.</summary>
public sealed class Split : IAudioPlugin
{
    private static readonly PluginDescriptor Facts = new("org.auralis.tests.split", "Split", "Auralis tests", new SemanticVersion(1, 0, 0),
        PluginKind.Processor,
        [
            new AudioLayout("stereo", [new AudioPort("in", 2)], [new AudioPort("main", 2), new AudioPort("inverted", 2)]),
            new AudioLayout("mono", [new AudioPort("in", 1)], [new AudioPort("main", 1), new AudioPort("inverted", 1)]),
        ]);

    private int _channels;

    public PluginDescriptor Descriptor => Facts;

    public int LatencySamples => 0;

    public int TailSamples => 0;

    public void Initialize(AudioSetup setup) => _channels = setup.Layout.InputChannelCount;

    public void Reset()
    {
    }

    public ProcessStatus Process(in ProcessContext context)
    {
        for (var c = 0; c < _channels; c++)
        {
            var input = context.Input(c);
            input.CopyTo(context.Output(c));
            var inverted = context.Output(_channels + c);
            for (var i = 0; i < input.Length; i++)
            {
                inverted[i] = -input[i];
            }
        }
        return ProcessStatus.Normal;
    }

    public void Dispose()
    {
    }
}
