using Auralis.Sdk;

namespace Auralis.Vst3.Processing;

/// <summary>One VST3 audio bus: an Auralis port. The first bus of each direction is the main bus, the others aux.</summary>
internal sealed record Bus(string Name, int Channels, bool IsMain);

/// <summary>The audio buses of an instance; channels are numbered across buses in order, as Auralis numbers them across ports.</summary>
internal sealed class BusLayout
{
    public BusLayout(IReadOnlyList<Bus> inputs, IReadOnlyList<Bus> outputs)
    {
        Inputs = inputs;
        Outputs = outputs;
        InputChannels = inputs.Sum(b => b.Channels);
        OutputChannels = outputs.Sum(b => b.Channels);
    }

    public IReadOnlyList<Bus> Inputs { get; }

    public IReadOnlyList<Bus> Outputs { get; }

    public int InputChannels { get; }

    public int OutputChannels { get; }

    /// <summary>
    /// Buses for an Auralis layout: each port a bus. An analyzer has no audio output, but a DAW insert must pass the
    /// track's audio on, so it gets one output bus that carries its main input through unchanged.
    /// </summary>
    public static BusLayout For(AudioLayout layout, PluginKind kind)
    {
        var inputs = layout.Inputs.Select((p, i) => new Bus(p.Name, p.Channels, i == 0)).ToArray();
        var outputs = kind == PluginKind.Analyzer
            ? [new Bus("out", layout.Inputs[0].Channels, true)]
            : layout.Outputs.Select((p, i) => new Bus(p.Name, p.Channels, i == 0)).ToArray();
        return new BusLayout(inputs, outputs);
    }

    /// <summary>
    /// Whether a host's requested channel counts fit these buses: same bus counts, and each bus either has the same
    /// channel count or 0 (a bus the host leaves inactive).
    /// </summary>
    public bool Accepts(ReadOnlySpan<int> inputChannels, ReadOnlySpan<int> outputChannels) =>
        Fits(Inputs, inputChannels) && Fits(Outputs, outputChannels);

    private static bool Fits(IReadOnlyList<Bus> buses, ReadOnlySpan<int> requested)
    {
        if (requested.Length != buses.Count)
        {
            return false;
        }
        for (var i = 0; i < requested.Length; i++)
        {
            if (requested[i] != 0 && requested[i] != buses[i].Channels)
            {
                return false;
            }
        }
        return true;
    }
}
