using Auralis.Engine.Graph;
using Auralis.Engine.Realtime;

namespace Auralis.Jack;

/// <summary>
/// The JACK adapter: drives a <see cref="RealtimeRunner"/> from a <see cref="JackClient"/>'s process callback. It
/// registers one port per graph channel (<c>in_1</c>…, <c>out_1</c>…), copies JACK's buffers into and out of the
/// runner, reports the graph's latency to JACK, counts xruns and notices when the server goes away.
/// </summary>
public sealed class JackAudioHost : IJackClientHandler
{
    private readonly JackClient _client;
    private readonly RealtimeRunner _runner;
    private readonly JackPort[] _inputs;
    private readonly JackPort[] _outputs;
    private readonly ManualResetEventSlim _shutdown = new();
    private string? _shutdownReason;

    private JackAudioHost(JackClient client, RealtimeRunner runner)
    {
        _client = client;
        _runner = runner;
        _inputs = new JackPort[runner.InputChannelCount];
        for (var c = 0; c < _inputs.Length; c++)
        {
            _inputs[c] = client.RegisterAudioPort($"in_{c + 1}", isInput: true);
        }
        _outputs = new JackPort[runner.OutputChannelCount];
        for (var c = 0; c < _outputs.Length; c++)
        {
            _outputs[c] = client.RegisterAudioPort($"out_{c + 1}", isInput: false);
        }
    }

    /// <summary>Registers the ports <paramref name="runner"/> needs on <paramref name="client"/> and installs the callbacks.</summary>
    /// <exception cref="JackException">A port or callback was refused.</exception>
    public static JackAudioHost Create(JackClient client, RealtimeRunner runner)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(runner);
        var host = new JackAudioHost(client, runner);
        client.SetHandler(host);
        return host;
    }

    /// <summary>The client.</summary>
    public JackClient Client => _client;

    /// <summary>Input ports, one per graph input channel.</summary>
    public IReadOnlyList<JackPort> Inputs => _inputs;

    /// <summary>Output ports, one per graph output channel.</summary>
    public IReadOnlyList<JackPort> Outputs => _outputs;

    /// <summary>Set when the server shut down or was killed.</summary>
    public WaitHandle ShutdownSignal => _shutdown.WaitHandle;

    /// <summary>Why the server went away, or null while it runs.</summary>
    public string? ShutdownReason => Volatile.Read(ref _shutdownReason);

    /// <summary>Starts processing (the audio path is compiled first, here, so the first callback does not wait for the JIT).</summary>
    public void Activate()
    {
        Precompile.Types(typeof(JackAudioHost), typeof(JackPort), typeof(JackClient), typeof(RealtimeRunner), typeof(DenormalFlush),
            typeof(SpscQueue<CallbackTiming>), typeof(SpscQueue<RenderSequence>), typeof(FrameResultRing));
        _client.Activate();
    }

    /// <summary>
    /// Connects the physical capture ports to our inputs and our outputs to the physical playback ports, channel by
    /// channel (a mono output feeds the first two playback ports). Returns the connections made.
    /// </summary>
    public IReadOnlyList<(string From, string To)> ConnectToSystem()
    {
        var made = new List<(string, string)>();
        var capture = _client.FindPorts(physical: true, outputs: true);
        var playback = _client.FindPorts(physical: true, outputs: false);
        for (var c = 0; c < Math.Min(capture.Count, _inputs.Length); c++)
        {
            _client.Connect(capture[c], _inputs[c].Name);
            made.Add((capture[c], _inputs[c].Name));
        }
        for (var p = 0; p < playback.Count && _outputs.Length > 0; p++)
        {
            if (p >= _outputs.Length && !(_outputs.Length == 1 && p == 1))
            {
                break;
            }
            var source = _outputs[Math.Min(p, _outputs.Length - 1)].Name;
            _client.Connect(source, playback[p]);
            made.Add((source, playback[p]));
        }
        return made;
    }

    /// <summary>Tells JACK to ask for latencies again (after a graph with another latency was swapped in). Thread: control.</summary>
    public void LatencyChanged() => _client.RecomputeLatencies();

    /// <inheritdoc />
    public void Process(uint frames)
    {
        var total = (int)frames;
        var block = _runner.MaxBlockSize;
        // A server whose period grew beyond what the graph was compiled for is served in compiled-size pieces.
        for (var offset = 0; offset < total; offset += block)
        {
            var n = Math.Min(block, total - offset);
            for (var c = 0; c < _inputs.Length; c++)
            {
                _inputs[c].Buffer(frames).Slice(offset, n).CopyTo(_runner.Input(c));
            }
            _runner.Process(n);
            for (var c = 0; c < _outputs.Length; c++)
            {
                _runner.Output(c)[..n].CopyTo(_outputs[c].Buffer(frames)[offset..]);
            }
        }
    }

    /// <inheritdoc />
    public void Xrun() => _runner.CountXrun();

    /// <inheritdoc />
    public void Latency(JackLatencyMode mode)
    {
        // Signal entering our inputs leaves our outputs LatencySamples later, in both directions of the calculation.
        var latency = (uint)_runner.Latest.LatencySamples;
        var (from, to) = mode == JackLatencyMode.Capture ? (_inputs, _outputs) : (_outputs, _inputs);
        if (to.Length == 0)
        {
            return;
        }
        var range = new JackLatencyRange { Min = from.Length == 0 ? 0 : uint.MaxValue, Max = 0 };
        foreach (var port in from)
        {
            var r = port.GetLatency(mode);
            range.Min = Math.Min(range.Min, r.Min);
            range.Max = Math.Max(range.Max, r.Max);
        }
        range.Min += latency;
        range.Max += latency;
        foreach (var port in to)
        {
            port.SetLatency(mode, range);
        }
    }

    /// <inheritdoc />
    public void Shutdown(string reason)
    {
        Volatile.Write(ref _shutdownReason, reason);
        _shutdown.Set();
    }
}
