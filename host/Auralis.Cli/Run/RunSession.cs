using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Auralis.Engine.Graph;
using Auralis.Engine.Plugins;
using Auralis.Jack;
using Auralis.Sdk;

namespace Auralis.Cli.Run;

/// <summary>What <c>auralis run</c> was asked to do.</summary>
internal sealed record RunSettings(AudioGraph Graph, EngineOptions Engine, string ControlPath, bool Monitor, bool Stats,
    TimeSpan? Duration, double FrontAllocationLoad);

/// <summary>A node as the monitor and the control socket show it.</summary>
internal sealed class NodeView(EngineNode node, PluginDescriptor descriptor)
{
    public EngineNode Node { get; } = node;
    public PluginDescriptor Descriptor { get; } = descriptor;
    public float[]? Values { get; set; }
    public long CentreSample { get; set; }
    public long Frames { get; set; }
}

/// <summary>
/// <c>auralis run</c> itself (the front process): starts the audio engine process, takes commands from standard input
/// and the control socket, prints statistics, shows the monitor, and ends the run on a signal, <c>--duration</c>,
/// <c>quit</c> or the JACK server's shutdown. Everything here may allocate: the audio runs in the engine process.
/// </summary>
internal sealed class RunSession : IEngineListener
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    public const string Commands = "set NODE.PARAM VALUE | graph FILE | chain SPEC | info | stats | subscribe | quit";

    private readonly CliHost _host;
    private readonly RunSettings _settings;
    private readonly ManualResetEventSlim _stop = new();
    private readonly object _commandGate = new();
    private readonly object _catalogGate = new();
    private readonly object _outputGate = new();
    private readonly object _modelGate = new();
    private EngineProcess? _engine;
    private ControlSocket? _socket;
    private AudioGraph _graph;
    private NodeView[] _nodes = [];
    private int _generation;
    private int _latency;
    private IReadOnlyList<KeyValuePair<string, string>> _stats = [];
    private string? _shutdownReason;

    public RunSession(CliHost host, RunSettings settings)
    {
        _host = host;
        _settings = settings;
        _graph = settings.Graph.Clone();
    }

    /// <summary>What the engine reported at start.</summary>
    public EngineReady? Ready { get; private set; }

    /// <summary>The latest statistics.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Stats => Volatile.Read(ref _stats);

    /// <summary>The nodes playing now.</summary>
    public IReadOnlyList<NodeView> Nodes => Volatile.Read(ref _nodes);

    /// <summary>Parameter values of the graph playing now.</summary>
    public float ParameterValue(NodeView node, ParameterInfo parameter)
    {
        lock (_modelGate)
        {
            return _graph.FindNode(node.Node.Id)?.Parameters.TryGetValue(parameter.Id, out var v) == true ? v : parameter.Default;
        }
    }

    /// <summary>Runs until the run ends; returns the exit code.</summary>
    public int Run()
    {
        foreach (var node in _graph.Nodes)
        {
            Resolve(node.PluginId); // a missing plugin is named now, before anything starts
        }
        JackLibrary.Require();
        using var socket = _socket = ControlSocket.Open(_settings.ControlPath, Execute);
        using var engine = _engine = EngineProcess.Start(_settings.Engine, _host.PluginsDirectoryPath, this);
        var ready = engine.Start(_graph, out var failedCode);
        if (ready is null)
        {
            return failedCode; // the engine printed why
        }
        Ready = ready;
        PrintReady(ready);

        using var load = _settings.FrontAllocationLoad > 0 ? AllocationLoad.Start(_settings.FrontAllocationLoad) : null;
        var signals = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }.Select(s => PosixSignalRegistration.Create(s, context =>
        {
            context.Cancel = true;
            _stop.Set();
        })).ToList();
        new Thread(ReadStandardInput) { IsBackground = true, Name = "run-stdin" }.Start();
        if (_settings.Duration is { } duration)
        {
            _ = Task.Delay(duration).ContinueWith(_ => _stop.Set(), TaskScheduler.Default);
        }
        if (_settings.Monitor)
        {
            new MonitorView(_host, this).Show(_stop);
        }
        else
        {
            _stop.Wait();
        }

        engine.Quit();
        var code = engine.WaitForExit(TimeSpan.FromSeconds(15));
        foreach (var s in signals)
        {
            s.Dispose();
        }
        if (Volatile.Read(ref _shutdownReason) is { } reason)
        {
            return _host.Fail(ExitCodes.RealtimeError,
                $"the JACK server '{ready.Server}' shut down while the run was playing ({reason}); the run has ended");
        }
        return code == 0 ? ExitCodes.Ok : _host.Fail(ExitCodes.RealtimeError, $"the audio engine ended with exit code {code}");
    }

    /// <summary>Executes one command line from standard input or the control socket; returns the one-line answer.</summary>
    public string Execute(string line, ControlConnection? connection)
    {
        var (verb, rest) = EngineProtocol.Split(line.Trim());
        rest = rest.Trim();
        try
        {
            lock (_commandGate)
            {
                return verb switch
                {
                    "set" => SetParameter(rest),
                    "graph" => Swap(rest.Length > 0 ? GraphFile.Load(rest) : throw new UsageException("graph needs a FILE")),
                    "chain" => Swap(rest.Length > 0 ? ChainSpec.ToGraph(rest, Resolve) : throw new UsageException("chain needs a SPEC")),
                    "info" => "ok " + InfoJson(),
                    "stats" => "ok " + string.Join(' ', Stats.Select(s => $"{s.Key}={s.Value}")),
                    "subscribe" when connection is not null => Subscribe(connection),
                    "subscribe" => "error subscribe is for control socket clients",
                    "quit" => Quit(),
                    "help" or "" => $"ok commands: {Commands}",
                    _ => $"error unknown command '{verb}' (commands: {Commands})",
                };
            }
        }
        catch (Exception e) when (e is EngineCommandException or GraphException or PluginLoadException or UsageException or FileNotFoundException
            or IOException or UnauthorizedAccessException)
        {
            return "error " + EngineProtocol.OneLine(e.Message);
        }
    }

    void IEngineListener.OnNodes(int generation, int latency, IReadOnlyList<EngineNode> nodes)
    {
        var views = nodes.Select(n => new NodeView(n, Resolve(n.PluginId).Descriptor)).ToArray();
        Volatile.Write(ref _nodes, views);
        Volatile.Write(ref _latency, latency);
        Volatile.Write(ref _generation, generation);
    }

    void IEngineListener.OnStats(IReadOnlyList<KeyValuePair<string, string>> stats)
    {
        Volatile.Write(ref _stats, stats);
        if (_settings.Stats)
        {
            var text = new StringBuilder();
            foreach (var (name, value) in stats)
            {
                text.Append(name).Append(": ").Append(value).Append('\n');
            }
            lock (_outputGate)
            {
                _host.Out.WriteLine(text.ToString());
                _host.Out.Flush();
            }
        }
        _socket?.Broadcast("stats " + string.Join(' ', stats.Select(s => $"{s.Key}={s.Value}")));
    }

    void IEngineListener.OnResult(int generation, int node, long centreSample, float[] values)
    {
        var nodes = Nodes;
        if (generation != Volatile.Read(ref _generation) || node >= nodes.Count)
        {
            return;
        }
        var view = nodes[node];
        view.Values = values;
        view.CentreSample = centreSample;
        view.Frames++;
        _socket?.Broadcast(ResultLine(generation, view, values));
    }

    void IEngineListener.OnWarning(string text)
    {
        lock (_outputGate)
        {
            _host.Error.WriteLine($"auralis: warning: {text}");
        }
    }

    void IEngineListener.OnShutdown(string reason)
    {
        Volatile.Write(ref _shutdownReason, reason);
        _stop.Set();
    }

    void IEngineListener.OnEnded() => _stop.Set();

    /// <summary>One node's frame values, result by result, as <c>id=value</c> (vectors comma-separated).</summary>
    public static IEnumerable<(ResultInfo Result, ReadOnlyMemory<float> Values)> FrameResults(PluginDescriptor descriptor, float[] values)
    {
        var offset = 0;
        foreach (var r in descriptor.Results.Where(r => r.Scope == ResultScope.Frame))
        {
            var n = Math.Min(r.Length, Math.Max(0, values.Length - offset));
            yield return (r, values.AsMemory(offset, n));
            offset += r.Length;
        }
    }

    private LoadedPlugin Resolve(string idOrAlias)
    {
        lock (_catalogGate)
        {
            return _host.Resolve(idOrAlias);
        }
    }

    private string SetParameter(string arguments)
    {
        // NODE.PARAM VALUE, or NODE.PARAM=VALUE as on the command line.
        var text = arguments.Replace('=', ' ');
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var dot = parts.Length == 2 ? parts[0].LastIndexOf('.') : -1;
        if (dot <= 0 || !float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
        {
            throw new UsageException($"set needs NODE.PARAM VALUE, e.g. set gain.gain_db -6 (got '{arguments}')");
        }
        var node = parts[0][..dot];
        var parameter = parts[0][(dot + 1)..];
        Engine.Request("set", $"{node} {parameter} {value.ToString(CultureInfo.InvariantCulture)}", CommandTimeout);
        lock (_modelGate)
        {
            _graph.FindNode(node)!.Parameters[parameter] = value;
        }
        return $"ok {node}.{parameter}={value.ToString(CultureInfo.InvariantCulture)}";
    }

    private string Swap(AudioGraph graph)
    {
        foreach (var node in graph.Nodes)
        {
            Resolve(node.PluginId);
        }
        var reply = Engine.Request("graph", EngineProtocol.GraphLine(graph), CommandTimeout);
        lock (_modelGate)
        {
            _graph = graph.Clone();
        }
        return "ok " + reply;
    }

    private static string Subscribe(ControlConnection connection)
    {
        connection.Subscribed = true;
        return "ok subscribed: 'result' and 'stats' lines follow";
    }

    private string Quit()
    {
        _stop.Set();
        return "ok stopping";
    }

    private EngineProcess Engine => _engine ?? throw new EngineCommandException("the audio engine is not running yet");

    private void ReadStandardInput()
    {
        try
        {
            string? line;
            while ((line = Console.In.ReadLine()) is not null)
            {
                if (line.Trim().Length == 0)
                {
                    continue;
                }
                var reply = Execute(line, null);
                lock (_outputGate)
                {
                    _host.Error.WriteLine(reply.StartsWith("ok", StringComparison.Ordinal) ? $"auralis: {reply}" : $"auralis: {reply.Replace("error ", "error: ")}");
                }
            }
        }
        catch (IOException)
        {
            // standard input closed: commands still come through the control socket
        }
    }

    private void PrintReady(EngineReady ready)
    {
        var e = _host.Error;
        e.WriteLine($"auralis: JACK client '{ready.Client}' on server '{ready.Server}': {ready.SampleRate} Hz, {ready.Period}-frame periods, " +
                    $"graph latency {ready.Latency} frames (reported to JACK)");
        e.WriteLine($"auralis: inputs {string.Join(' ', ready.Inputs)}; outputs {(ready.Outputs.Count == 0 ? "(none: analysis only)" : string.Join(' ', ready.Outputs))}");
        if (ready.Connections.Count > 0)
        {
            e.WriteLine($"auralis: connected {string.Join(", ", ready.Connections)}");
        }
        else if (_settings.Engine.Connect)
        {
            e.WriteLine("auralis: warning: --connect found no physical ports to connect to");
        }
        e.WriteLine($"auralis: control socket {_socket!.Path}; commands there or on standard input: {Commands}");
    }

    private string ResultLine(int generation, NodeView view, float[] values)
    {
        var text = new StringBuilder("result gen=").Append(generation).Append(" node=").Append(view.Node.Id)
            .Append(" t=").Append((view.CentreSample / (double)(Ready?.SampleRate ?? 48000)).ToString("0.######", CultureInfo.InvariantCulture));
        foreach (var (result, v) in FrameResults(view.Descriptor, values))
        {
            text.Append(' ').Append(result.Id).Append('=');
            text.AppendJoin(',', v.ToArray().Select(x => x.ToString("0.######", CultureInfo.InvariantCulture)));
        }
        return text.ToString();
    }

    private string InfoJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            var ready = Ready;
            w.WriteStartObject();
            if (ready is not null)
            {
                w.WriteString("client", ready.Client);
                w.WriteString("server", ready.Server);
                w.WriteNumber("sample_rate", ready.SampleRate);
                w.WriteNumber("period", ready.Period);
                w.WriteStartArray("inputs");
                ready.Inputs.ToList().ForEach(w.WriteStringValue);
                w.WriteEndArray();
                w.WriteStartArray("outputs");
                ready.Outputs.ToList().ForEach(w.WriteStringValue);
                w.WriteEndArray();
            }
            w.WriteNumber("latency", Volatile.Read(ref _latency));
            w.WriteNumber("generation", Volatile.Read(ref _generation));
            w.WriteStartArray("nodes");
            foreach (var view in Nodes)
            {
                w.WriteStartObject();
                w.WriteString("id", view.Node.Id);
                w.WriteString("plugin", view.Descriptor.Id);
                w.WriteString("kind", view.Descriptor.Kind.ToString().ToLowerInvariant());
                w.WriteStartArray("parameters");
                foreach (var p in view.Descriptor.Parameters)
                {
                    w.WriteStartObject();
                    w.WriteString("id", p.Id);
                    w.WriteString("name", p.Name);
                    w.WriteNumber("value", ParameterValue(view, p));
                    w.WriteNumber("min", p.Min);
                    w.WriteNumber("max", p.Max);
                    w.WriteNumber("default", p.Default);
                    w.WriteString("unit", p.Unit);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("results");
                foreach (var r in view.Descriptor.Results.Where(r => r.Scope == ResultScope.Frame))
                {
                    w.WriteStartObject();
                    w.WriteString("id", r.Id);
                    w.WriteString("name", r.Name);
                    w.WriteString("kind", r.Kind.ToString().ToLowerInvariant());
                    w.WriteNumber("length", r.Length);
                    w.WriteString("unit", r.Unit);
                    if (r.ElementNames is { } names)
                    {
                        w.WriteStartArray("elements");
                        names.ToList().ForEach(w.WriteStringValue);
                        w.WriteEndArray();
                    }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
