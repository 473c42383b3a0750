using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Auralis.Engine.Plugins;
using Auralis.Sdk;

namespace Auralis.Engine.Isolation;

/// <summary>
/// The child side of the sandbox (<c>auralis plugin-host --socket PATH</c>, hidden): connects back to the host, loads
/// plugins from their folders on request and runs each instance on its own thread, waiting on its shared-memory
/// exchange. When the host goes away the control socket closes and the child ends at once.
/// </summary>
public static class SandboxChild
{
    /// <summary>The hidden subcommand name.</summary>
    public const string CommandName = "plugin-host";

    /// <summary>Serves the host on <paramref name="socketPath"/> until it disconnects. Returns the exit code.</summary>
    public static int Run(string socketPath)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        using var channel = new ControlChannel(socket);
        var plugins = new Dictionary<string, LoadedPlugin>(StringComparer.Ordinal);
        var instances = new Dictionary<int, ChildInstance>();
        while (true)
        {
            var message = channel.Receive();
            if (message is null || message["op"]?.GetValue<string>() == "exit")
            {
                break;
            }
            JsonObject reply;
            try
            {
                reply = Handle(message, plugins, instances);
            }
            catch (Exception e)
            {
                reply = new JsonObject { ["error"] = e is PluginLoadException ? e.Message : $"{e.GetType().Name}: {e.Message}" };
            }
            channel.Send(reply);
        }
        // The host is gone or done: end now, even if a plugin thread is stuck in its own code.
        Console.Out.Flush();
        LinuxNative.ExitNow(0);
        return 0;
    }

    private static JsonObject Handle(JsonObject m, Dictionary<string, LoadedPlugin> plugins, Dictionary<int, ChildInstance> instances)
    {
        switch (m["op"]?.GetValue<string>())
        {
            case "hello":
                return new JsonObject { ["pid"] = Environment.ProcessId };
            case "create":
            {
                var folder = m["folder"]!.GetValue<string>();
                if (!plugins.TryGetValue(folder, out var plugin))
                {
                    plugin = plugins[folder] = PluginLoader.Load(folder);
                }
                var s = m["shape"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
                var shape = new ExchangeShape(s[0], s[1], s[2], s[3], s[4], s[5]);
                var instance = new ChildInstance(plugin, shape, m["memory"]!.GetValue<string>());
                var setup = new AudioSetup(plugin.Descriptor.Layouts[m["layout"]!.GetValue<int>()], m["rate"]!.GetValue<double>(),
                    m["max_block"]!.GetValue<int>(), Enum.Parse<ProcessMode>(m["mode"]!.GetValue<string>()), m["expected"]!.GetValue<long>());
                var parameters = m["parameters"]!.AsArray().Select(n => n!.GetValue<float>()).ToArray();
                instance.Start(setup, parameters);
                instances[m["instance"]!.GetValue<int>()] = instance;
                return new JsonObject { ["latency"] = instance.Latency, ["tail"] = instance.Tail };
            }
            case "reset":
                instances[m["instance"]!.GetValue<int>()].Reset();
                return [];
            case "summarize":
                return new JsonObject { ["entries"] = instances[m["instance"]!.GetValue<int>()].Summarize() };
            case "dispose":
            {
                var id = m["instance"]!.GetValue<int>();
                if (instances.Remove(id, out var instance))
                {
                    instance.Dispose();
                }
                return [];
            }
            case var other:
                return new JsonObject { ["error"] = $"unknown sandbox request '{other}'" };
        }
    }

    /// <summary>One plugin instance in the child: its thread serves blocks from the shared exchange.</summary>
    private sealed unsafe class ChildInstance : IResultSink, IDisposable
    {
        private readonly LoadedPlugin _plugin;
        private readonly SharedMemory _memory;
        private readonly BlockExchange _exchange;
        private readonly IAudioPlugin _instance;
        private readonly float[][] _inputs;
        private readonly float[][] _outputs;
        private readonly object _gate = new(); // Reset/Summarize (control) never overlap a block
        private Thread? _thread;
        private volatile bool _stopping;
        private int _lastRequest;

        public ChildInstance(LoadedPlugin plugin, ExchangeShape shape, string memoryPath)
        {
            _plugin = plugin;
            _memory = SharedMemory.Open(memoryPath, shape.Size);
            _exchange = new BlockExchange(_memory.Pointer, shape);
            _instance = plugin.CreateInstance();
            _inputs = new float[shape.InputChannels][];
            _outputs = new float[shape.OutputChannels][];
            for (var c = 0; c < _inputs.Length; c++)
            {
                _inputs[c] = new float[shape.MaxBlock];
            }
            for (var c = 0; c < _outputs.Length; c++)
            {
                _outputs[c] = new float[shape.MaxBlock];
            }
        }

        public int Latency => Math.Max(0, _instance.LatencySamples);

        public int Tail => Math.Max(0, _instance.TailSamples);

        public void Start(AudioSetup setup, float[] parameters)
        {
            _instance.Initialize(setup);
            _instance.Reset();
            parameters.AsSpan(0, Math.Min(parameters.Length, _exchange.Parameters.Length)).CopyTo(_exchange.Parameters);
            // Taken here, before the create reply: once the host has it, it may send the first block at any moment, and
            // a serving thread that read the word only when it got scheduled could take that block for an old one and
            // never answer it (seen on a loaded CI machine: the first block of a fresh child timed out as a hang).
            _lastRequest = Volatile.Read(ref *_exchange.Request);
            _thread = new Thread(Serve, 16 << 20) { IsBackground = true, Name = $"plugin {_plugin.Id}" };
            _thread.Start();
        }

        private void Serve()
        {
            var seen = _lastRequest;
            while (!_stopping)
            {
                var request = Volatile.Read(ref *_exchange.Request);
                if (request == seen)
                {
                    LinuxNative.Wait(_exchange.Request, request, 200_000_000);
                    continue;
                }
                seen = request;
                lock (_gate)
                {
                    RunBlock();
                }
                Volatile.Write(ref *_exchange.Response, request);
                LinuxNative.Wake(_exchange.Response);
            }
        }

        private void RunBlock()
        {
            var frames = Math.Clamp(_exchange.Frames, 0, _exchange.Shape.MaxBlock);
            for (var c = 0; c < _inputs.Length; c++)
            {
                _exchange.Input(c)[..frames].CopyTo(_inputs[c]);
            }
            _exchange.ResultCount = 0;
            _exchange.ResultsDropped = 0;
            var context = new ProcessContext(frames, _exchange.Position, _inputs, _outputs, _exchange.Parameters, this, _exchange.InputEnd);
            try
            {
                _exchange.Status = (int)_instance.Process(in context);
            }
            catch (Exception e)
            {
                _exchange.WriteError($"{e.GetType().Name}: {e.Message}");
                _exchange.Status = ExchangeStatus.Threw;
                return;
            }
            for (var c = 0; c < _outputs.Length; c++)
            {
                _outputs[c].AsSpan(0, frames).CopyTo(_exchange.Output(c));
            }
        }

        public void WriteFrame(long centreSample, ReadOnlySpan<float> values)
        {
            var index = _exchange.ResultCount;
            if (index >= _exchange.Shape.ResultCapacity)
            {
                _exchange.ResultsDropped++;
                return;
            }
            _exchange.ResultTime(index) = centreSample;
            var n = Math.Min(values.Length, _exchange.Shape.ResultWidth);
            _exchange.ResultLength(index) = n;
            values[..n].CopyTo(_exchange.ResultValues(index));
            _exchange.ResultCount = index + 1;
        }

        public void Reset()
        {
            lock (_gate)
            {
                _instance.Reset();
            }
        }

        public JsonArray Summarize()
        {
            var sink = new CollectingSummarySink();
            lock (_gate)
            {
                _instance.Summarize(sink);
            }
            return sink.Entries;
        }

        public void Dispose()
        {
            _stopping = true;
            LinuxNative.Wake(_exchange.Request);
            _thread?.Join(1000);
            _instance.Dispose();
            _memory.Dispose();
        }
    }

    private sealed class CollectingSummarySink : ISummarySink
    {
        public JsonArray Entries { get; } = [];

        public void Write(string resultId, double value) => Add(resultId, [value], scalar: true);

        public void Write(string resultId, ReadOnlySpan<double> values) => Add(resultId, values, scalar: false);

        // Raw bytes, not JSON numbers: NaN and ±Inf must survive the trip unchanged.
        private void Add(string id, ReadOnlySpan<double> values, bool scalar) => Entries.Add(new JsonObject
        {
            ["id"] = id,
            ["scalar"] = scalar,
            ["values"] = Convert.ToBase64String(MemoryMarshal.AsBytes(values)),
        });
    }
}
