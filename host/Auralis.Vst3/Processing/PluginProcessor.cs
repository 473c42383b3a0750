using System.Text;
using Auralis.Engine.Plugins;
using Auralis.Sdk;

namespace Auralis.Vst3.Processing;

/// <summary>One Auralis plugin driven directly through the SDK contract, one bus per port.</summary>
internal sealed class PluginProcessor : BridgedProcessor, IResultSink
{
    private readonly LoadedPlugin _plugin;
    private readonly PluginDescriptor _descriptor;
    private readonly IAudioPlugin _instance;
    private readonly float[] _parameters;
    private readonly float[] _results;
    private AudioLayout _layout;
    private BusLayout _buses;
    private float[][] _inputs = [];
    private float[][] _outputs = [];
    private LatencyBypass? _bypass;
    private int _latency;
    private int _tail;
    private long _position;
    private volatile bool _failed;
    private Exception? _fault;

    /// <exception cref="PluginLoadException">The plugin's constructor threw, named.</exception>
    public PluginProcessor(LoadedPlugin plugin)
    {
        _plugin = plugin;
        _descriptor = plugin.Descriptor;
        _instance = plugin.CreateInstance();
        _parameters = _descriptor.Parameters.Select(p => p.Default).ToArray();
        _results = new float[_descriptor.FrameResultWidth];
        _layout = _descriptor.Layouts[0];
        _buses = BusLayout.For(_layout, _descriptor.Kind);
    }

    public override BusLayout Buses => _buses;

    public override IReadOnlyList<ParameterInfo> Parameters => _descriptor.Parameters;

    public override IReadOnlyList<LoadedPlugin> Plugins => [_plugin];

    public override int LatencySamples => _descriptor.Kind == PluginKind.Analyzer ? 0 : _latency;

    public override int TailSamples => _descriptor.Kind == PluginKind.Analyzer ? 0 : _tail;

    public override bool IsFaulted => _failed;

    public override ReadOnlySpan<float> Results => _results;

    public override bool TrySelectBuses(ReadOnlySpan<int> inputChannels, ReadOnlySpan<int> outputChannels)
    {
        // Only layouts with the preferred layout's ports can be offered: VST3 buses do not come and go.
        foreach (var layout in _descriptor.Layouts)
        {
            if (layout.Inputs.Count != _layout.Inputs.Count || layout.Outputs.Count != _layout.Outputs.Count)
            {
                continue;
            }
            var buses = BusLayout.For(layout, _descriptor.Kind);
            if (buses.Accepts(inputChannels, outputChannels))
            {
                _layout = layout;
                _buses = buses;
                return true;
            }
        }
        return false;
    }

    public override void Prepare(double sampleRate, int maxBlockSize)
    {
        try
        {
            _instance.Initialize(new AudioSetup(_layout, sampleRate, maxBlockSize, ProcessMode.Realtime));
            _latency = Math.Max(0, _instance.LatencySamples);
            _tail = Math.Max(0, _instance.TailSamples);
        }
        catch (Exception e)
        {
            throw new PluginLoadException(new PluginError(PluginErrorKind.ConstructorFailed, _descriptor.Id, _plugin.Folder,
                $"Initialize({_layout.Name}, {sampleRate} Hz, block {maxBlockSize}) threw {e.GetType().Name}: {e.Message}",
                "report this to the plugin's vendor"), e);
        }
        _inputs = Channels(_layout.InputChannelCount, maxBlockSize);
        _outputs = Channels(_layout.OutputChannelCount, maxBlockSize);
        _bypass = _descriptor.Kind == PluginKind.Processor ? new LatencyBypass(_outputs.Length, _inputs.Length, _latency) : null;
        _failed = false;
        _fault = null;
        Reset();
    }

    public override void Reset()
    {
        _instance.Reset();
        _bypass?.Clear();
        Array.Clear(_results);
        _position = 0;
    }

    public override Span<float> Input(int channel) => _inputs[channel];

    // An analyzer's output bus carries its main input through.
    public override ReadOnlySpan<float> Output(int channel) => _descriptor.Kind == PluginKind.Analyzer ? _inputs[channel] : _outputs[channel];

    public override void SetParameter(int index, float plain) => _parameters[index] = plain;

    public override float GetParameter(int index) => _parameters[index];

    public override void Render(int frames)
    {
        if (!_failed)
        {
            var context = new ProcessContext(frames, _position, _inputs, _outputs, _parameters, this);
            try
            {
                if (_instance.Process(in context) == ProcessStatus.Error)
                {
                    Fail(null);
                }
            }
            catch (Exception e)
            {
                Fail(e);
            }
        }
        _bypass?.Run(_inputs, _outputs, frames, replace: _failed);
        _position += frames;
    }

    /// <inheritdoc />
    void IResultSink.WriteFrame(long centreSample, ReadOnlySpan<float> values) =>
        values[..Math.Min(values.Length, _results.Length)].CopyTo(_results);

    public override string? DescribeFault() => !_failed
        ? null
        : $"plugin '{_descriptor.Id}' failed and is bypassed: " + (_fault is { } e ? $"{e.GetType().Name}: {e.Message}" : "Process returned Error");

    public override byte[] SaveState()
    {
        var values = new Dictionary<string, float>(StringComparer.Ordinal);
        for (var i = 0; i < _parameters.Length; i++)
        {
            values[_descriptor.Parameters[i].Id] = _parameters[i];
        }
        return Encoding.UTF8.GetBytes(new PluginState(_descriptor.Id, _descriptor.StateVersion, values, _instance.SaveCustomState()).ToJson());
    }

    public override Action StageState(byte[] state)
    {
        var saved = PluginState.FromJson(Encoding.UTF8.GetString(state));
        if (saved.PluginId != _descriptor.Id)
        {
            throw new FormatException($"the saved state belongs to plugin '{saved.PluginId}', not '{_descriptor.Id}'");
        }
        if (saved.StateVersion > _descriptor.StateVersion)
        {
            throw new FormatException(
                $"the state was saved by a newer version of '{_descriptor.Id}' (state version {saved.StateVersion}; installed: {_descriptor.StateVersion}); update the plugin");
        }
        var values = saved.StateVersion < _descriptor.StateVersion ? _instance.MigrateState(saved.StateVersion, saved.Parameters) : saved.Parameters;
        var plain = _descriptor.Parameters.Select(p => p.Default).ToArray();
        foreach (var (id, value) in values)
        {
            var index = _descriptor.IndexOfParameter(id);
            if (index >= 0)
            {
                plain[index] = _descriptor.Parameters[index].Clamp(value);
            }
        }
        return () =>
        {
            plain.CopyTo(_parameters, 0);
            if (saved.Custom is { } custom)
            {
                _instance.LoadCustomState(custom, saved.StateVersion);
            }
        };
    }

    public override void Dispose() => _instance.Dispose();

    private void Fail(Exception? e)
    {
        _fault = e;
        _failed = true;
    }

    private static float[][] Channels(int count, int frames)
    {
        var channels = new float[count][];
        for (var c = 0; c < count; c++)
        {
            channels[c] = new float[frames];
        }
        return channels;
    }
}
