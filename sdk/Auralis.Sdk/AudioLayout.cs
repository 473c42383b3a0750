namespace Auralis.Sdk;

/// <summary>A named audio port with a fixed number of channels, e.g. <c>in</c> (2) or <c>harmonic</c> (2).</summary>
/// <remarks>Thread: any. Immutable.</remarks>
public sealed class AudioPort
{
    /// <summary>Creates a port.</summary>
    /// <param name="name">Stable port name used in graphs and chain specs (lower-case letters, digits, '_' or '-').</param>
    /// <param name="channels">1 or more.</param>
    public AudioPort(string name, int channels)
    {
        Naming.RequireToken(name, nameof(name), "port name");
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        Name = name;
        Channels = channels;
    }

    /// <summary>The port's stable name.</summary>
    public string Name { get; }

    /// <summary>How many channels the port carries.</summary>
    public int Channels { get; }

    /// <summary>The port as <c>name(channels)</c>.</summary>
    public override string ToString() => $"{Name}({Channels})";
}

/// <summary>
/// One arrangement of input and output ports a plugin supports. Channels are numbered across ports in order: with
/// outputs <c>harmonic(2)</c> and <c>percussive(2)</c>, output channels 0–1 are harmonic and 2–3 percussive.
/// </summary>
/// <remarks>Thread: any. Immutable.</remarks>
public sealed class AudioLayout
{
    /// <summary>Creates a layout.</summary>
    /// <param name="name">Short name, e.g. <c>mono</c> or <c>stereo</c>.</param>
    /// <param name="inputs">Input ports; at least one.</param>
    /// <param name="outputs">Output ports; empty for analyzers.</param>
    public AudioLayout(string name, IReadOnlyList<AudioPort> inputs, IReadOnlyList<AudioPort> outputs)
    {
        Naming.RequireToken(name, nameof(name), "layout name");
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        if (inputs.Count == 0)
        {
            throw new ArgumentException("a layout needs at least one input port", nameof(inputs));
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var port in inputs.Concat(outputs))
        {
            if (!names.Add(port.Name))
            {
                throw new ArgumentException($"layout '{name}' names port '{port.Name}' twice", nameof(outputs));
            }
        }
        Name = name;
        Inputs = inputs.ToArray();
        Outputs = outputs.ToArray();
        InputChannelCount = Inputs.Sum(p => p.Channels);
        OutputChannelCount = Outputs.Sum(p => p.Channels);
    }

    /// <summary>The layout's short name.</summary>
    public string Name { get; }

    /// <summary>Input ports in channel order.</summary>
    public IReadOnlyList<AudioPort> Inputs { get; }

    /// <summary>Output ports in channel order.</summary>
    public IReadOnlyList<AudioPort> Outputs { get; }

    /// <summary>Total input channels over all input ports.</summary>
    public int InputChannelCount { get; }

    /// <summary>Total output channels over all output ports.</summary>
    public int OutputChannelCount { get; }

    /// <summary>The first output channel of the output port at <paramref name="portIndex"/>.</summary>
    public int OutputChannelOffset(int portIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(portIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(portIndex, Outputs.Count);
        var offset = 0;
        for (var i = 0; i < portIndex; i++)
        {
            offset += Outputs[i].Channels;
        }
        return offset;
    }

    /// <summary>The first input channel of the input port at <paramref name="portIndex"/>.</summary>
    public int InputChannelOffset(int portIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(portIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(portIndex, Inputs.Count);
        var offset = 0;
        for (var i = 0; i < portIndex; i++)
        {
            offset += Inputs[i].Channels;
        }
        return offset;
    }

    /// <summary>One mono input <c>in</c>, one mono output <c>out</c>.</summary>
    public static AudioLayout Mono { get; } = new("mono", [new AudioPort("in", 1)], [new AudioPort("out", 1)]);

    /// <summary>One stereo input <c>in</c>, one stereo output <c>out</c>.</summary>
    public static AudioLayout Stereo { get; } = new("stereo", [new AudioPort("in", 2)], [new AudioPort("out", 2)]);

    /// <summary>One mono input <c>in</c> and no audio output: the layout of a mono analyzer.</summary>
    public static AudioLayout MonoAnalysis { get; } = new("mono", [new AudioPort("in", 1)], []);

    /// <summary>One stereo input <c>in</c> and no audio output: the layout of a stereo analyzer.</summary>
    public static AudioLayout StereoAnalysis { get; } = new("stereo", [new AudioPort("in", 2)], []);

    /// <summary>The layout as <c>name: inputs -> outputs</c>.</summary>
    public override string ToString() =>
        $"{Name}: {string.Join(", ", Inputs)} -> {(Outputs.Count == 0 ? "(none)" : string.Join(", ", Outputs))}";
}
