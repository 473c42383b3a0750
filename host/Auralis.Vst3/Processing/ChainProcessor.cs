using System.Text;
using Auralis.Engine.Graph;
using Auralis.Engine.Plugins;
using Auralis.Sdk;
using Auralis.Vst3.Classes;

namespace Auralis.Vst3.Processing;

/// <summary>
/// The Auralis Chain: a graph of Auralis plugins (the graph file format, kept in the instance's state) compiled by the
/// engine's <see cref="GraphCompiler"/> and run as its <see cref="RenderSequence"/>. Mono or stereo in and out. Until
/// a graph is loaded, or when the loaded one cannot run (a plugin is missing), it passes audio through and reports why.
/// </summary>
internal sealed class ChainProcessor(ClassRegistry plugins) : BridgedProcessor
{
    /// <summary>The graph of a new chain: the input straight to the output.</summary>
    public const string PassThroughGraph = """{ "nodes": [], "connections": [ { "from": "input", "to": "output" } ] }""";

    private string _graphJson = PassThroughGraph;
    private RenderSequence? _sequence;
    private string? _graphError;
    private BusLayout _buses = Layout(2);
    private double _sampleRate;
    private int _maxBlockSize;
    private float[] _silence = [];

    public override BusLayout Buses => _buses;

    public override IReadOnlyList<ParameterInfo> Parameters => [];

    public override IReadOnlyList<LoadedPlugin> Plugins => _sequence?.Nodes.Select(n => n.Plugin).ToArray() ?? [];

    public override int LatencySamples => _sequence?.LatencySamples ?? 0;

    public override int TailSamples => _sequence?.TailSamples ?? 0;

    public override bool IsFaulted
    {
        get
        {
            if (_graphError is not null)
            {
                return true;
            }
            var nodes = _sequence?.Nodes;
            if (nodes is not null)
            {
                for (var i = 0; i < nodes.Count; i++)
                {
                    if (nodes[i].IsBypassed)
                    {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    /// <summary>The graph the chain holds (graph file JSON).</summary>
    public string GraphJson => _graphJson;

    public override bool TrySelectBuses(ReadOnlySpan<int> inputChannels, ReadOnlySpan<int> outputChannels)
    {
        foreach (var channels in (ReadOnlySpan<int>)[2, 1])
        {
            var buses = Layout(channels);
            if (buses.Accepts(inputChannels, outputChannels))
            {
                _buses = buses;
                return true;
            }
        }
        return false;
    }

    public override void Prepare(double sampleRate, int maxBlockSize)
    {
        _sampleRate = sampleRate;
        _maxBlockSize = maxBlockSize;
        _silence = new float[maxBlockSize];
        _sequence?.Dispose();
        _sequence = null;
        try
        {
            _sequence = Compile(_graphJson);
            _graphError = null;
        }
        catch (Exception e) when (e is GraphException or PluginLoadException or FileNotFoundException)
        {
            // The DAW keeps running with the audio passed through; the reason is reported and stays visible.
            _graphError = $"the chain's graph cannot run: {e.Message}";
            _sequence = Compile(PassThroughGraph);
        }
    }

    public override void Reset() => _sequence?.Reset();

    public override Span<float> Input(int channel) => _sequence!.Input(channel);

    public override ReadOnlySpan<float> Output(int channel)
    {
        var sequence = _sequence!;
        // A graph whose output is narrower than the bus (a mono result on a stereo track) feeds every channel.
        return sequence.OutputChannelCount == 0 ? _silence : sequence.Output(Math.Min(channel, sequence.OutputChannelCount - 1));
    }

    public override void SetParameter(int index, float plain)
    {
    }

    public override float GetParameter(int index) => 0;

    public override void Render(int frames) => _sequence!.Render(frames);

    public override string? DescribeFault()
    {
        var faults = new List<string>();
        if (_graphError is not null)
        {
            faults.Add(_graphError);
        }
        if (_sequence is { } sequence)
        {
            faults.AddRange(sequence.Nodes.Select(n => n.DescribeFault()).OfType<string>());
        }
        return faults.Count == 0 ? null : string.Join("; ", faults);
    }

    public override byte[] SaveState() =>
        Encoding.UTF8.GetBytes(new PluginState(Vst3Class.ChainId, 1, new Dictionary<string, float>(), Encoding.UTF8.GetBytes(_graphJson)).ToJson());

    public override Action StageState(byte[] state)
    {
        var saved = PluginState.FromJson(Encoding.UTF8.GetString(state));
        if (saved.PluginId != Vst3Class.ChainId)
        {
            throw new FormatException($"the saved state belongs to plugin '{saved.PluginId}', not the Auralis Chain ('{Vst3Class.ChainId}')");
        }
        if (saved.Custom is not { } custom)
        {
            throw new FormatException("the Auralis Chain state holds no graph ('custom' is missing)");
        }
        var json = Encoding.UTF8.GetString(custom);
        GraphFile.Parse(custom); // a malformed graph is refused here, with the reason, and the running one is kept
        var compiled = _maxBlockSize > 0 ? Compile(json) : null;
        return () =>
        {
            _graphJson = json;
            if (compiled is not null)
            {
                _sequence?.Dispose();
                _sequence = compiled;
                _graphError = null;
            }
        };
    }

    public override void Dispose()
    {
        _sequence?.Dispose();
        _sequence = null;
    }

    private RenderSequence Compile(string graphJson) =>
        GraphCompiler.Compile(GraphFile.Parse(Encoding.UTF8.GetBytes(graphJson)), plugins.Resolve, new CompileSettings
        {
            SampleRate = _sampleRate,
            MaxBlockSize = _maxBlockSize,
            InputChannels = _buses.InputChannels,
            Mode = ProcessMode.Realtime,
        });

    private static BusLayout Layout(int channels) => new([new Bus("in", channels, true)], [new Bus("out", channels, true)]);
}
