using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Auralis.Engine.Isolation;

/// <summary>
/// One child host process and the plugin instances it runs. A supervisor thread waits for the child to exit; when it
/// crashes or is killed as hung, every instance is marked down (their nodes pass audio through), the child is started
/// again and the instances are re-created with their last parameters, up to <see cref="SandboxOptions.MaxRestarts"/>.
/// </summary>
internal sealed class SandboxProcess : IDisposable
{
    private readonly object _gate = new();
    private readonly List<SandboxedPlugin> _instances = [];
    private readonly Queue<string> _stderrTail = new();
    private Process? _child;
    private ControlChannel? _channel;
    private Thread? _supervisor;
    private volatile bool _disposed;
    private int _childPid;
    private int _nextInstance;

    public SandboxProcess(string group, SandboxOptions options)
    {
        Group = group;
        Options = options;
    }

    public string Group { get; }

    public SandboxOptions Options { get; }

    /// <summary>The running child's pid, or 0.</summary>
    public int ChildPid => Volatile.Read(ref _childPid);

    /// <summary>How often the child was restarted.</summary>
    public int Restarts { get; private set; }

    /// <summary>How long each restart took, from noticing the exit to every instance running again.</summary>
    public List<TimeSpan> RestartTimes { get; } = [];

    /// <summary>Creates <paramref name="plugin"/>'s instance in the child (starting it if needed). Thread: control.</summary>
    public void Attach(SandboxedPlugin plugin)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_child is null)
            {
                Spawn();
                _supervisor = new Thread(Supervise) { IsBackground = true, Name = $"auralis sandbox {Group}" };
                _supervisor.Start();
            }
            Create(plugin);
            _instances.Add(plugin);
        }
    }

    /// <summary>Forgets an instance and disposes it in the child. Thread: control.</summary>
    public void Detach(SandboxedPlugin plugin)
    {
        lock (_gate)
        {
            if (_instances.Remove(plugin) && plugin.IsUp)
            {
                TryCallLocked(new JsonObject { ["op"] = "dispose", ["instance"] = plugin.InstanceId });
            }
        }
    }

    /// <summary>A control request that may fail because the child is gone (then null). Thread: control.</summary>
    public JsonObject? TryCall(JsonObject message)
    {
        lock (_gate)
        {
            return TryCallLocked(message);
        }
    }

    private JsonObject? TryCallLocked(JsonObject message)
    {
        try
        {
            return _channel?.Call(message, Options.RequestTimeout);
        }
        catch (Exception e) when (e is IOException or TimeoutException or SocketException or SandboxRequestException or ObjectDisposedException)
        {
            return null;
        }
    }

    private void Create(SandboxedPlugin plugin)
    {
        var id = ++_nextInstance;
        JsonObject reply;
        try
        {
            reply = _channel!.Call(plugin.CreateRequest(id), Options.RequestTimeout);
        }
        catch (Exception e) when (e is IOException or TimeoutException or SocketException)
        {
            throw new SandboxRequestException($"the sandbox process could not create {plugin.Descriptor.Id}: {e.Message}{ExitDetail()}");
        }
        plugin.Started(id, reply["latency"]!.GetValue<int>(), reply["tail"]!.GetValue<int>());
    }

    private string ExitDetail()
    {
        Thread.Sleep(50); // let a dying child's last words arrive
        var tail = StderrTail();
        return tail.Length == 0 ? "" : $" (it said: {tail})";
    }

    private void Spawn()
    {
        var executable = Options.ExecutablePath;
        if (!File.Exists(executable))
        {
            throw new SandboxRequestException($"the sandbox host executable {executable} does not exist");
        }
        var socketPath = Path.Combine(Path.GetTempPath(), $"auralis-sandbox-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        try
        {
            listener.Listen(1);
            var psi = new ProcessStartInfo(executable)
            {
                UseShellExecute = false,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                RedirectStandardInput = true,
            };
            foreach (var arg in Options.ChildArguments)
            {
                psi.ArgumentList.Add(arg);
            }
            psi.ArgumentList.Add("--socket");
            psi.ArgumentList.Add(socketPath);
            var child = Process.Start(psi) ?? throw new SandboxRequestException($"cannot start {executable}");
            lock (_stderrTail)
            {
                _stderrTail.Clear();
            }
            child.ErrorDataReceived += (_, e) => Remember(e.Data);
            child.OutputDataReceived += (_, _) => { }; // plugins may print; never let a full pipe block the child
            child.BeginErrorReadLine();
            child.BeginOutputReadLine();
            var accept = listener.AcceptAsync();
            if (!accept.Wait(Options.StartTimeout))
            {
                child.Kill(entireProcessTree: true);
                throw new SandboxRequestException($"the sandbox process ({executable}) did not connect within {Options.StartTimeout.TotalSeconds:0.#} s{ExitDetail()}");
            }
            _channel?.Dispose();
            _channel = new ControlChannel(accept.Result);
            var hello = _channel.Call(new JsonObject { ["op"] = "hello" }, Options.StartTimeout);
            _child = child;
            Volatile.Write(ref _childPid, hello["pid"]!.GetValue<int>());
        }
        finally
        {
            File.Delete(socketPath);
        }
    }

    // Keeps the child's last few meaningful stderr lines. The runtime's own last words name a failure best
    // ("Stack overflow.", "Process terminated. …"); stack frames and separators that follow them are skipped.
    private void Remember(string? line)
    {
        var text = line?.Trim() ?? "";
        if (ChildExit.IsNoise(text))
        {
            return;
        }
        lock (_stderrTail)
        {
            _stderrTail.Enqueue(text);
            while (_stderrTail.Count > 4)
            {
                _stderrTail.Dequeue();
            }
        }
    }

    private string StderrTail()
    {
        lock (_stderrTail)
        {
            return ChildExit.Clip(string.Join(" ", _stderrTail.TakeLast(2)));
        }
    }

    private void Supervise()
    {
        while (!_disposed)
        {
            var child = _child!;
            child.WaitForExit();
            if (_disposed)
            {
                return;
            }
            var noticed = Stopwatch.StartNew();
            SandboxedPlugin[] instances;
            lock (_gate)
            {
                instances = [.. _instances];
            }
            var hungAfterMs = instances.Aggregate(0, (most, i) => Math.Max(i.ConsumeHangDeclared(), most));
            var reason = hungAfterMs > 0
                ? $"hung (no answer within {hungAfterMs} ms) and was killed"
                : $"crashed ({ChildExit.Describe(child.ExitCode)}{(StderrTail() is { Length: > 0 } said ? $": {said}" : "")})";
            child.Dispose();
            // Record first, then release the audio thread: whoever reads the node's fault next sees the incident.
            var incidents = instances.Select(i => i.RecordDown(reason)).ToArray();
            foreach (var instance in instances)
            {
                instance.MarkDown();
            }
            foreach (var instance in instances)
            {
                instance.ReleaseWaiter();
            }
            if (Restarts >= Options.MaxRestarts)
            {
                foreach (var (instance, incident) in instances.Zip(incidents))
                {
                    instance.MarkGaveUp();
                    incident.Outcome = $"gave up after {Restarts} restarts: bypassed for the rest of the run";
                }
                return;
            }
            try
            {
                lock (_gate)
                {
                    Restarts++;
                    Spawn();
                    foreach (var instance in instances.Where(_instances.Contains))
                    {
                        Create(instance);
                    }
                }
                noticed.Stop();
                RestartTimes.Add(noticed.Elapsed);
                foreach (var incident in incidents)
                {
                    incident.RestartTime = noticed.Elapsed;
                    incident.Outcome = string.Create(CultureInfo.InvariantCulture, $"the process was restarted in {noticed.Elapsed.TotalMilliseconds:0} ms and the node processes again");
                }
            }
            catch (Exception e)
            {
                foreach (var (instance, incident) in instances.Zip(incidents))
                {
                    instance.MarkGaveUp();
                    incident.Outcome = $"restarting failed ({e.Message}): bypassed for the rest of the run";
                }
                return;
            }
        }
    }

    public void Dispose()
    {
        Process? child;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            child = _child;
            try
            {
                _channel?.Send(new JsonObject { ["op"] = "exit" });
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
            _channel?.Dispose();
        }
        if (child is not null)
        {
            try
            {
                if (!child.WaitForExit(2000))
                {
                    child.Kill(entireProcessTree: true);
                    child.WaitForExit(2000);
                }
            }
            catch (InvalidOperationException)
            {
            }
        }
        _supervisor?.Join(2000);
        child?.Dispose();
    }
}
