using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Auralis.Cli.Commands;
using Auralis.Engine.Graph;

namespace Auralis.Cli.Run;

/// <summary>What the engine reported once it was running.</summary>
internal sealed record EngineReady(string Client, string Server, int SampleRate, int Period, int Latency,
    IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyList<string> Connections);

/// <summary>A node of the graph the engine is playing.</summary>
internal sealed record EngineNode(int Index, string Id, string PluginId);

/// <summary>Receives what the engine reports. Called on the engine reader thread.</summary>
internal interface IEngineListener
{
    void OnNodes(int generation, int latency, IReadOnlyList<EngineNode> nodes);
    void OnStats(IReadOnlyList<KeyValuePair<string, string>> stats);
    void OnResult(int generation, int node, long centreSample, float[] values);
    void OnWarning(string text);
    void OnShutdown(string reason);
    void OnEnded();
}

/// <summary>The engine refused a command; the message says why.</summary>
internal sealed class EngineCommandException(string message) : Exception(message);

/// <summary>
/// The audio engine as seen from <c>auralis run</c>: a child process (this same executable in engine mode) spoken to
/// over its standard input and output with <see cref="EngineProtocol"/>. Its standard error is ours, so its own errors
/// reach the user unchanged.
/// </summary>
internal sealed class EngineProcess : IDisposable
{
    // The engine allocates nothing once audio runs; a large first-generation budget keeps the little that graph swaps
    // and commands allocate from ever triggering a collection (measured in docs/realtime.md). Analyzers preallocate
    // histories of a few hundred KB each, which would land on the large-object heap, whose small budget a graph swap
    // exceeds (one gen-2 collection measured with every built-in plugin): raising the threshold to 16 MiB keeps those
    // arrays in the first generation's budget too.
    private static readonly Dictionary<string, string> EngineEnvironment = new()
    {
        ["DOTNET_GCgen0size"] = "0x10000000", // 256 MiB
        ["DOTNET_GCLOHThreshold"] = "0x1000000", // 16 MiB
        ["DOTNET_TieredCompilation"] = "0",   // compile once, fully optimised: no re-JIT or call-counting pauses later
    };

    private readonly Process _process;
    private readonly IEngineListener _listener;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<string>> _pending = new();
    private readonly TaskCompletionSource<EngineReady> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _reader;
    private readonly object _writeGate = new();
    private long _nextId;

    private EngineProcess(Process process, IEngineListener listener)
    {
        _process = process;
        _listener = listener;
        _reader = new Thread(ReadOutput) { IsBackground = true, Name = "engine-reader" };
        _reader.Start();
    }

    /// <summary>The engine's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts the engine process.</summary>
    public static EngineProcess Start(EngineOptions options, string pluginsDirectory, IEngineListener listener)
    {
        var (file, prefix) = SelfCommand();
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        foreach (var a in prefix.Concat(["run", RunCommand.EngineOption, "--name", options.ClientName, "--plugins-dir", pluginsDirectory]))
        {
            psi.ArgumentList.Add(a);
        }
        if (options.Connect)
        {
            psi.ArgumentList.Add("--connect");
        }
        psi.ArgumentList.Add("--isolation");
        psi.ArgumentList.Add(options.Isolation);
        if (options.AllocationLoadMegabytesPerSecond > 0)
        {
            psi.ArgumentList.Add(RunCommand.AllocationLoadOption);
            psi.ArgumentList.Add(options.AllocationLoadMegabytesPerSecond.ToString(CultureInfo.InvariantCulture));
            psi.ArgumentList.Add(RunCommand.AllocationLoadInOption);
            psi.ArgumentList.Add("engine");
        }
        foreach (var (name, value) in EngineEnvironment)
        {
            if (Environment.GetEnvironmentVariable(name) is null)
            {
                psi.Environment[name] = value;
            }
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start the audio engine ({file})");
        process.StandardInput.AutoFlush = true;
        return new EngineProcess(process, listener);
    }

    /// <summary>Sends the first graph and waits until the engine runs (or has exited; its error is on stderr already).</summary>
    /// <returns>The engine's report, or null with <paramref name="exitCode"/> when it ended instead.</returns>
    public EngineReady? Start(AudioGraph graph, out int exitCode)
    {
        Send($"{EngineProtocol.Graph} 0 {EngineProtocol.GraphLine(graph)}");
        try
        {
            _ready.Task.Wait();
            exitCode = 0;
            return _ready.Task.Result;
        }
        catch (AggregateException)
        {
            _process.WaitForExit();
            exitCode = _process.ExitCode == 0 ? ExitCodes.RealtimeError : _process.ExitCode;
            return null;
        }
    }

    /// <summary>Sends a command and waits for its reply; returns the reply text.</summary>
    /// <exception cref="EngineCommandException">The engine refused it, or has ended.</exception>
    public string Request(string verb, string arguments, TimeSpan timeout)
    {
        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        try
        {
            Send($"{verb} {id} {arguments}");
            if (!reply.Task.Wait(timeout))
            {
                throw new EngineCommandException($"the engine did not answer within {timeout.TotalSeconds:0} s");
            }
            return reply.Task.Result;
        }
        catch (AggregateException e) when (e.InnerException is EngineCommandException inner)
        {
            throw inner;
        }
        catch (IOException)
        {
            throw new EngineCommandException("the audio engine has ended");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Asks the engine to stop (it sends its final statistics, then exits).</summary>
    public void Quit()
    {
        try
        {
            Send(EngineProtocol.Quit);
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // already gone
        }
    }

    /// <summary>Waits for the engine to end (killing it after <paramref name="timeout"/>); returns its exit code.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _reader.Join(TimeSpan.FromSeconds(5)); // every line it wrote, the final statistics included, is handled
        return _process.ExitCode;
    }

    /// <summary>Kills the engine if it still runs.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        _process.Dispose();
    }

    // This executable again: the apphost, or 'dotnet auralis.dll' when started through the dotnet host.
    private static (string File, string[] Prefix) SelfCommand()
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which executable is running");
        return Path.GetFileNameWithoutExtension(self) == "dotnet" ? (self, [typeof(EngineProcess).Assembly.Location]) : (self, []);
    }

    private void Send(string line)
    {
        lock (_writeGate)
        {
            _process.StandardInput.WriteLine(line);
        }
    }

    private void ReadOutput()
    {
        string? line;
        while ((line = _process.StandardOutput.ReadLine()) is not null)
        {
            try
            {
                Handle(line);
            }
            catch (Exception e) when (e is FormatException or JsonException or IndexOutOfRangeException or KeyNotFoundException)
            {
                _listener.OnWarning($"unreadable engine message '{line}': {e.Message}");
            }
        }
        _ready.TrySetException(new EngineCommandException("the audio engine ended before it was ready"));
        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(new EngineCommandException("the audio engine has ended"));
        }
        _listener.OnEnded();
    }

    private void Handle(string line)
    {
        var (verb, rest) = EngineProtocol.Split(line);
        switch (verb)
        {
            case EngineProtocol.Ready:
                _ready.TrySetResult(ParseReady(rest));
                break;
            case EngineProtocol.Ok or EngineProtocol.Error:
                var (id, text) = EngineProtocol.Split(rest);
                if (_pending.TryGetValue(long.Parse(id, CultureInfo.InvariantCulture), out var reply))
                {
                    if (verb == EngineProtocol.Ok)
                    {
                        reply.TrySetResult(text);
                    }
                    else
                    {
                        reply.TrySetException(new EngineCommandException(text));
                    }
                }
                break;
            case EngineProtocol.Nodes:
                var parts = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var nodes = parts.Skip(2).Select((p, i) => new EngineNode(i, p[..p.IndexOf('=')], p[(p.IndexOf('=') + 1)..])).ToList();
                _listener.OnNodes(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), nodes);
                break;
            case EngineProtocol.Stats:
                _listener.OnStats(rest.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Select(p => new KeyValuePair<string, string>(p[..p.IndexOf('=')], p[(p.IndexOf('=') + 1)..])).ToList());
                break;
            case EngineProtocol.Result:
                var f = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var values = f.Skip(3).Select(v => float.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
                _listener.OnResult(int.Parse(f[0], CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture),
                    long.Parse(f[2], CultureInfo.InvariantCulture), values);
                break;
            case EngineProtocol.Warning:
                _listener.OnWarning(rest);
                break;
            case EngineProtocol.Shutdown:
                _listener.OnShutdown(rest);
                break;
            default:
                _listener.OnWarning($"unknown engine message '{line}'");
                break;
        }
    }

    private static EngineReady ParseReady(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        string[] List(string name) => r.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToArray();
        return new EngineReady(r.GetProperty("client").GetString()!, r.GetProperty("server").GetString()!,
            r.GetProperty("sample_rate").GetInt32(), r.GetProperty("period").GetInt32(), r.GetProperty("latency").GetInt32(),
            List("inputs"), List("outputs"), List("connections"));
    }
}
