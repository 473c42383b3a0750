using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Auralis.Engine.Graph;
using Auralis.Engine.Plugins;
using Auralis.Engine.Realtime;
using Auralis.Jack;

namespace Auralis.Cli.Run;

/// <summary>What the engine process is asked to do (from <c>auralis run</c>'s hidden engine options).</summary>
internal sealed record EngineOptions(string ClientName, bool Connect, double AllocationLoadMegabytesPerSecond);

/// <summary>
/// The audio engine process behind <c>auralis run</c>: the JACK client, the live graph and nothing else. It runs apart
/// from everything that allocates (the monitor, the control socket, the web app) because a garbage collection in a
/// process stalls every thread of that process, the JACK thread included, and here nothing allocates once audio runs:
/// the audio thread never does, and the reporter formats into preallocated buffers. See docs/realtime.md.
/// </summary>
internal sealed class EngineMain
{
    private static readonly TimeSpan SwapWait = TimeSpan.FromSeconds(2);

    private readonly CliHost _host;
    private readonly EngineOptions _options;
    private readonly LiveGraph _live;
    private readonly JackAudioHost _jack;
    private readonly Stream _stdout;
    private readonly StreamReader _stdin;
    private readonly object _outputGate = new();
    private readonly object _control = new();
    private readonly ManualResetEventSlim _stop = new();
    private readonly ManualResetEventSlim _reporterStop = new();
    private readonly List<PosixSignalRegistration> _signals = [];
    private readonly HashSet<CompiledNode> _reportedFaults = [];

    private EngineMain(CliHost host, EngineOptions options, LiveGraph live, JackAudioHost jack, Stream stdout, StreamReader stdin)
    {
        _host = host;
        _options = options;
        _live = live;
        _jack = jack;
        _stdout = stdout;
        _stdin = stdin;
    }

    /// <summary>Runs the engine until <c>quit</c>, end of input, a signal or the server's shutdown; returns the exit code.</summary>
    public static int Run(CliHost host, EngineOptions options)
    {
        var stdout = Console.OpenStandardOutput();
        var stdin = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
        var first = stdin.ReadLine() ?? throw new UsageException("the engine process expects a graph on its standard input");
        var (verb, rest) = EngineProtocol.Split(first);
        var (_, json) = EngineProtocol.Split(rest);
        if (verb != EngineProtocol.Graph)
        {
            throw new UsageException($"the engine process expects 'graph ID JSON' first, not '{verb}'");
        }
        var graph = GraphFile.Parse(Encoding.UTF8.GetBytes(json));
        var client = JackClient.Open(options.ClientName);
        LiveGraph? live = null;
        try
        {
            var settings = new LiveGraphSettings(client.SampleRate, (int)client.BufferSize, LiveGraph.PreferredInputChannels(graph, host.Resolve));
            live = new LiveGraph(graph, host.Resolve, settings);
            var jack = JackAudioHost.Create(client, live.Runner);
            return new EngineMain(host, options, live, jack, stdout, stdin).Serve();
        }
        finally
        {
            client.Close(TimeSpan.FromSeconds(5));
            live?.Dispose();
        }
    }

    private int Serve()
    {
        _jack.Activate();
        var connections = _options.Connect ? _jack.ConnectToSystem() : [];
        WriteLine($"{EngineProtocol.Ready} {ReadyJson(connections)}");
        WriteNodes();
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            _signals.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                _stop.Set();
            }));
        }
        var gcBefore = GC.CollectionCount(0);
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        using var load = _options.AllocationLoadMegabytesPerSecond > 0 ? AllocationLoad.Start(_options.AllocationLoadMegabytesPerSecond) : null;
        var reporter = new Reporter(this, gcBefore, allocatedBefore);
        var reporterThread = new Thread(reporter.Run) { IsBackground = true, Name = "engine-reporter" };
        reporterThread.Start();
        var commands = new Thread(ReadCommands) { IsBackground = true, Name = "engine-commands" };
        commands.Start();

        WaitHandle.WaitAny([_stop.WaitHandle, _jack.ShutdownSignal]);
        var shutdown = _jack.ShutdownReason;
        lock (_control)
        {
            // Audio stops here (bounded: a dead server must not hang us), then the last statistics go out.
            _jack.Client.Close(TimeSpan.FromSeconds(5));
            _reporterStop.Set();
            reporterThread.Join();
            reporter.Report(final: true);
            foreach (var s in _signals)
            {
                s.Dispose();
            }
            if (shutdown is not null)
            {
                WriteLine($"{EngineProtocol.Shutdown} {EngineProtocol.OneLine(shutdown)}");
                return ExitCodes.RealtimeError;
            }
            return ExitCodes.Ok;
        }
    }

    private void ReadCommands()
    {
        string? line;
        while ((line = _stdin.ReadLine()) is not null)
        {
            if (line == EngineProtocol.Quit)
            {
                break;
            }
            Execute(line);
        }
        _stop.Set(); // quit, or the front process is gone
    }

    private void Execute(string line)
    {
        var (verb, rest) = EngineProtocol.Split(line);
        var (id, arguments) = EngineProtocol.Split(rest);
        lock (_control)
        {
            if (_stop.IsSet)
            {
                WriteLine($"{EngineProtocol.Error} {id} the run is ending");
                return;
            }
            try
            {
                switch (verb)
                {
                    case EngineProtocol.Graph:
                        var latency = _live.LatencySamples;
                        var graph = GraphFile.Parse(Encoding.UTF8.GetBytes(arguments));
                        var swapped = _live.Replace(graph, SwapWait);
                        if (_live.LatencySamples != latency)
                        {
                            _jack.LatencyChanged();
                        }
                        WriteNodes();
                        WriteLine($"{EngineProtocol.Ok} {id} generation={_live.Generation} latency={_live.LatencySamples} swapped={(swapped ? "yes" : "pending")}");
                        break;
                    case EngineProtocol.Set:
                        var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                        if (parts.Length != 3 || !float.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                        {
                            throw new FormatException($"set needs NODE PARAM VALUE, not '{arguments}'");
                        }
                        _live.SetParameter(parts[0], parts[1], value);
                        _live.DisposeRetired();
                        WriteLine($"{EngineProtocol.Ok} {id} {parts[0]}.{parts[1]}={parts[2]}");
                        break;
                    default:
                        throw new FormatException($"unknown engine command '{verb}'");
                }
            }
            catch (Exception e) when (e is GraphException or PluginLoadException or FormatException or InvalidOperationException or JackException)
            {
                WriteLine($"{EngineProtocol.Error} {id} {EngineProtocol.OneLine(e.Message)}");
            }
        }
    }

    private void WriteNodes()
    {
        var text = new StringBuilder($"{EngineProtocol.Nodes} {_live.Generation} {_live.LatencySamples}");
        foreach (var node in _live.Nodes)
        {
            text.Append(' ').Append(node.Id).Append('=').Append(node.Descriptor.Id);
        }
        WriteLine(text.ToString());
    }

    private string ReadyJson(IReadOnlyList<(string From, string To)> connections)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("client", _jack.Client.Name);
            w.WriteString("server", _jack.Client.ServerName);
            w.WriteNumber("sample_rate", _jack.Client.SampleRate);
            w.WriteNumber("period", _jack.Client.BufferSize);
            w.WriteNumber("latency", _live.LatencySamples);
            w.WriteStartArray("inputs");
            foreach (var p in _jack.Inputs)
            {
                w.WriteStringValue(p.Name);
            }
            w.WriteEndArray();
            w.WriteStartArray("outputs");
            foreach (var p in _jack.Outputs)
            {
                w.WriteStringValue(p.Name);
            }
            w.WriteEndArray();
            w.WriteStartArray("connections");
            foreach (var (from, to) in connections)
            {
                w.WriteStringValue($"{from} -> {to}");
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private void WriteLine(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        lock (_outputGate)
        {
            _stdout.Write(bytes);
            _stdout.Flush();
        }
    }

    /// <summary>
    /// Drains the audio thread's callback timings and analyzer results every 50 ms and writes results at once and
    /// statistics every second. Steady state allocates nothing: buffers are preallocated and node names are encoded
    /// once per graph.
    /// </summary>
    private sealed class Reporter(EngineMain engine, int gcBefore, long allocatedBefore)
    {
        private readonly RealtimeRunner _runner = engine._live.Runner;
        private readonly CallbackStatistics _statistics = new(engine._live.Runner.SampleRate);
        private readonly Utf8LineWriter _out = new(engine._stdout, engine._outputGate);
        private float[] _frame = new float[64];
        private IReadOnlyList<LiveNode> _nodes = [];
        private byte[][] _nodeNames = [];
        private long _nodesSince;
        private long _lastStats;

        public void Run()
        {
            _lastStats = Stopwatch.GetTimestamp();
            while (!engine._reporterStop.Wait(50))
            {
                Report(final: false);
            }
        }

        public void Report(bool final)
        {
            _statistics.Drain(_runner);
            var nodes = engine._live.Nodes;
            if (!ReferenceEquals(nodes, _nodes))
            {
                _nodes = nodes;
                _nodeNames = nodes.Select(n => Encoding.UTF8.GetBytes(n.Id)).ToArray();
                _nodesSince = Stopwatch.GetTimestamp();
                var width = nodes.Max(n => n.Results?.Width ?? 0);
                if (width > _frame.Length)
                {
                    _frame = new float[width];
                }
            }
            var generation = engine._live.Generation;
            foreach (var node in nodes)
            {
                if (node.Compiled.IsBypassed && engine._reportedFaults.Add(node.Compiled))
                {
                    _out.Text("warning "u8).Text(EngineProtocol.OneLine(node.Compiled.DescribeFault() ?? "")).EndLine();
                }
                if (node.Results is not { } ring)
                {
                    continue;
                }
                while (ring.TryRead(out var centre, _frame))
                {
                    _out.Text("result "u8).Number(generation).Text(" "u8).Number(node.Index).Text(" "u8).Number(centre);
                    for (var i = 0; i < ring.Width; i++)
                    {
                        _out.Text(" "u8).Number(_frame[i], 6);
                    }
                    _out.EndLine();
                }
            }
            var now = Stopwatch.GetTimestamp();
            if (final || now - _lastStats >= Stopwatch.Frequency)
            {
                _lastStats = now;
                WriteStatistics(now);
            }
            _out.Flush();
        }

        private void WriteStatistics(long now)
        {
            var s = _statistics;
            var dropped = 0L;
            foreach (var node in _nodes)
            {
                dropped += node.Results?.Dropped ?? 0;
            }
            _out.Text("stats"u8)
                .Text(" callbacks="u8).Number(s.Callbacks)
                .Text(" xruns="u8).Number(_runner.Xruns)
                .Text(" xruns_after_first_second="u8).Number(_runner.XrunsAfterFirstSecond)
                .Text(" callback_avg_us="u8).Number(s.AverageCallbackMicroseconds)
                .Text(" callback_max_us="u8).Number(s.MaxCallbackMicroseconds)
                .Text(" callback_max_after_first_second_us="u8).Number(s.MaxCallbackAfterWarmUpMicroseconds)
                .Text(" largest_gap_us="u8).Number(s.LargestGapMicroseconds)
                .Text(" largest_gap_after_first_second_us="u8).Number(s.LargestGapAfterWarmUpMicroseconds)
                .Text(" largest_gap_after_first_second_periods="u8).Number(s.LargestGapAfterWarmUpPeriods)
                .Text(" dsp_load_percent="u8).Number(s.DspLoadPercent)
                .Text(" dsp_load_max_percent="u8).Number(s.MaxWindowDspLoadPercent)
                .Text(" audio_thread_allocated_bytes="u8).Number(_runner.AudioThreadAllocatedBytes)
                .Text(" engine_allocated_bytes="u8).Number(GC.GetTotalAllocatedBytes() - allocatedBefore)
                .Text(" engine_gc_collections="u8).Number(GC.CollectionCount(0) - gcBefore)
                .Text(" denormals_flushed="u8).Number(_runner.DenormalsFlushed)
                .Text(" period_frames="u8).Number(s.Period)
                .Text(" latency_frames="u8).Number(_runner.Latest.LatencySamples)
                .Text(" swaps="u8).Number(_runner.Swaps)
                .Text(" results_dropped="u8).Number(dropped)
                .Text(" timings_dropped="u8).Number(_runner.TimingsDropped);
            var since = Math.Max(_nodesSince, _runner.FirstCallbackStart);
            var elapsed = now - since;
            for (var i = 0; i < _nodes.Count; i++)
            {
                var load = elapsed <= 0 || since == 0 ? 0 : 100.0 * _nodes[i].LiveProcessTicks / elapsed;
                _out.Text(" dsp_load_percent."u8).Text(_nodeNames[i]).Text("="u8).Number(load);
            }
            _out.EndLine();
        }
    }
}
