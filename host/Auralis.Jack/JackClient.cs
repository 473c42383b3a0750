using System.Runtime.InteropServices;
using System.Text;

namespace Auralis.Jack;

/// <summary>What a JACK client does when JACK calls it. Each member names the thread it is called on.</summary>
public interface IJackClientHandler
{
    /// <summary>Processes one period. Thread: JACK's realtime process thread: must not allocate, lock, log or block.</summary>
    void Process(uint frames);

    /// <summary>The server reported an xrun. Thread: JACK's notification thread.</summary>
    void Xrun();

    /// <summary>Port latencies must be recomputed (set ranges on the ports). Thread: a JACK non-realtime thread.</summary>
    void Latency(JackLatencyMode mode);

    /// <summary>The server went away; the client is dead. Thread: a libjack thread; must not call JACK.</summary>
    void Shutdown(string reason);
}

/// <summary>One audio port of a <see cref="JackClient"/>.</summary>
public sealed unsafe class JackPort
{
    internal JackPort(IntPtr handle, string name, bool isInput)
    {
        Handle = handle;
        Name = name;
        IsInput = isInput;
    }

    /// <summary>The full name, <c>client:port</c>.</summary>
    public string Name { get; }

    /// <summary>True for an input (JACK writes, we read).</summary>
    public bool IsInput { get; }

    internal IntPtr Handle { get; }

    /// <summary>The port's samples for this period. Thread: process callback only.</summary>
    public Span<float> Buffer(uint frames) => new(JackNative.PortGetBuffer(Handle, frames), (int)frames);

    /// <summary>The latency range JACK has computed for the port.</summary>
    public JackLatencyRange GetLatency(JackLatencyMode mode)
    {
        JackNative.PortGetLatencyRange(Handle, (int)mode, out var range);
        return range;
    }

    /// <summary>Sets the port's latency range (from a latency callback).</summary>
    public void SetLatency(JackLatencyMode mode, JackLatencyRange range) => JackNative.PortSetLatencyRange(Handle, (int)mode, ref range);

    /// <summary>The port's name.</summary>
    public override string ToString() => Name;
}

/// <summary>
/// A JACK client. Opening never starts a server (<c>JackNoStartServer</c>) and never hangs: a missing library or server
/// is a <see cref="JackException"/> naming the server and the fix.
/// </summary>
public sealed unsafe class JackClient : IDisposable
{
    // libjack reports problems through a process-wide function; keep the last message (no allocation: it may be called
    // on the process thread) so that errors can quote it.
    private static readonly byte[] s_lastMessage = new byte[1024];
    private static int s_lastMessageLength;
    private static int s_messageHandlerSet;

    private readonly List<JackPort> _ports = [];
    private IntPtr _handle;
    private GCHandle _self;
    private IJackClientHandler? _handler;
    private int _closed;

    private JackClient(IntPtr handle, string serverName)
    {
        _handle = handle;
        ServerName = serverName;
        Name = Marshal.PtrToStringUTF8(JackNative.GetClientName(handle)) ?? "";
        SampleRate = JackNative.GetSampleRate(handle);
        BufferSize = JackNative.GetBufferSize(handle);
    }

    /// <summary>The client's name on the server.</summary>
    public string Name { get; }

    /// <summary>The server's name.</summary>
    public string ServerName { get; }

    /// <summary>The server's sample rate.</summary>
    public uint SampleRate { get; }

    /// <summary>The server's period (frames per process call) when the client opened.</summary>
    public uint BufferSize { get; }

    /// <summary>The ports registered so far.</summary>
    public IReadOnlyList<JackPort> Ports => _ports;

    /// <summary>The server's DSP load, percent (its own estimate over recent cycles).</summary>
    public float CpuLoad => JackNative.CpuLoad(_handle);

    /// <summary>The last message libjack reported, or empty.</summary>
    public static string LastLibraryMessage => Encoding.UTF8.GetString(s_lastMessage, 0, Volatile.Read(ref s_lastMessageLength)).TrimEnd();

    /// <summary>
    /// Opens a client called exactly <paramref name="name"/> on server <paramref name="serverName"/> (default: the one
    /// <c>JACK_DEFAULT_SERVER</c> names, else <c>default</c>).
    /// </summary>
    /// <exception cref="JackException">libjack is missing, no server is running, the name is taken, or the server refused.</exception>
    public static JackClient Open(string name, string? serverName = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        JackLibrary.Require();
        if (Interlocked.Exchange(ref s_messageHandlerSet, 1) == 0)
        {
            JackNative.SetErrorFunction(&OnLibraryMessage);
            JackNative.SetInfoFunction(&OnLibraryInfo);
        }
        var server = serverName ?? JackLibrary.ServerName;
        Volatile.Write(ref s_lastMessageLength, 0);
        var handle = JackNative.ClientOpen(name, JackNative.NoStartServer | JackNative.UseExactName | JackNative.ServerName, out var status, server);
        if (handle != IntPtr.Zero)
        {
            return new JackClient(handle, server);
        }
        var detail = LastLibraryMessage is { Length: > 0 } m ? $" (libjack: {m})" : "";
        if ((status & JackNative.StatusNameNotUnique) != 0)
        {
            throw new JackException(JackErrorKind.NameTaken,
                $"a JACK client named '{name}' already exists on server '{server}'. Fix: choose another name with --name");
        }
        if ((status & (JackNative.StatusServerFailed | JackNative.StatusServerError)) != 0)
        {
            throw new JackException(JackErrorKind.ServerUnavailable,
                $"no JACK server named '{server}' is running (status 0x{status:x}){detail}. Auralis never starts one. " +
                "Fix: start it first, e.g. 'jackd -d alsa' (or 'jackd -d dummy' without sound hardware), or set JACK_DEFAULT_SERVER to the server's name");
        }
        throw new JackException(JackErrorKind.OpenFailed,
            $"JACK server '{server}' refused client '{name}' (status 0x{status:x}{((status & JackNative.StatusVersionError) != 0 ? ": protocol version mismatch" : "")}){detail}");
    }

    /// <summary>Registers an audio port <c>client:shortName</c>. Thread: control, before or after activation.</summary>
    /// <exception cref="JackException">The server refused the port.</exception>
    public JackPort RegisterAudioPort(string shortName, bool isInput)
    {
        var handle = JackNative.PortRegister(Live(), shortName, JackNative.AudioPortType,
            isInput ? JackNative.PortIsInput : JackNative.PortIsOutput, 0);
        if (handle == IntPtr.Zero)
        {
            throw new JackException(JackErrorKind.PortFailed, $"JACK refused to register port '{Name}:{shortName}'");
        }
        var port = new JackPort(handle, Marshal.PtrToStringUTF8(JackNative.PortName(handle)) ?? $"{Name}:{shortName}", isInput);
        _ports.Add(port);
        return port;
    }

    /// <summary>Installs the callbacks; call once, before <see cref="Activate"/>.</summary>
    /// <param name="handler">What JACK calls.</param>
    /// <param name="process">False for a client that only observes (xruns, shutdown): JACK's realtime thread then never
    /// enters managed code for it, so nothing in this process (a garbage collection included) can make it late.</param>
    public void SetHandler(IJackClientHandler handler, bool process = true)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (_handler is not null)
        {
            throw new InvalidOperationException("the handler is already set");
        }
        _handler = handler;
        _self = GCHandle.Alloc(this);
        var arg = GCHandle.ToIntPtr(_self);
        var client = Live();
        if ((process && JackNative.SetProcessCallback(client, &OnProcess, arg) != 0) || JackNative.SetXrunCallback(client, &OnXrun, arg) != 0
            || JackNative.SetLatencyCallback(client, &OnLatency, arg) != 0)
        {
            throw new JackException(JackErrorKind.OpenFailed, $"JACK refused the callbacks of client '{Name}'");
        }
        JackNative.OnInfoShutdown(client, &OnShutdown, arg);
    }

    /// <summary>Starts processing: the process callback runs from now on.</summary>
    public void Activate()
    {
        if (JackNative.Activate(Live()) != 0)
        {
            throw new JackException(JackErrorKind.ActivateFailed, $"JACK could not activate client '{Name}'{Detail()}");
        }
    }

    /// <summary>Connects two ports by full name.</summary>
    public void Connect(string source, string destination)
    {
        var result = JackNative.Connect(Live(), source, destination);
        if (result != 0 && result != 17) // EEXIST: already connected
        {
            throw new JackException(JackErrorKind.ConnectFailed, $"JACK could not connect {source} -> {destination}{Detail()}");
        }
    }

    /// <summary>Full names of the audio ports matching the flags (e.g. physical outputs, which are capture ports).</summary>
    public IReadOnlyList<string> FindPorts(bool physical, bool outputs, string? namePattern = null)
    {
        var flags = (outputs ? JackNative.PortIsOutput : JackNative.PortIsInput) | (physical ? JackNative.PortIsPhysical : 0);
        var list = JackNative.GetPorts(Live(), namePattern, "audio", flags);
        var names = new List<string>();
        if (list == IntPtr.Zero)
        {
            return names;
        }
        try
        {
            for (var p = (IntPtr*)list; *p != IntPtr.Zero; p++)
            {
                names.Add(Marshal.PtrToStringUTF8(*p)!);
            }
        }
        finally
        {
            JackNative.Free(list);
        }
        return names;
    }

    /// <summary>Any port on the server by full name (to read its latency), or null.</summary>
    public JackPort? FindPort(string fullName)
    {
        var handle = JackNative.PortByName(Live(), fullName);
        return handle == IntPtr.Zero ? null : new JackPort(handle, fullName, isInput: false);
    }

    /// <summary>Asks the server to recompute latencies (after our graph's latency changed).</summary>
    public void RecomputeLatencies() => JackNative.RecomputeTotalLatencies(Live());

    /// <summary>Turns the server's freewheel mode on or off (run as fast as possible, no deadlines).</summary>
    public void SetFreewheel(bool on)
    {
        if (JackNative.SetFreewheel(Live(), on ? 1 : 0) != 0)
        {
            throw new JackException(JackErrorKind.OpenFailed, $"JACK refused to {(on ? "start" : "stop")} freewheeling{Detail()}");
        }
    }

    /// <summary>
    /// Deactivates and closes the client, waiting at most <paramref name="timeout"/> (a server that died or hangs must not
    /// hang us). Returns false when libjack did not return in time; the client is then abandoned.
    /// </summary>
    public bool Close(TimeSpan timeout)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return true;
        }
        var handle = _handle;
        _handle = IntPtr.Zero;
        var closer = new Thread(() =>
        {
            JackNative.Deactivate(handle);
            JackNative.ClientClose(handle);
        })
        { IsBackground = true, Name = "jack-close" };
        closer.Start();
        if (!closer.Join(timeout))
        {
            return false; // keep the GC handle: libjack may still call us
        }
        if (_self.IsAllocated)
        {
            _self.Free();
        }
        return true;
    }

    /// <summary>Closes the client (waiting at most 5 s).</summary>
    public void Dispose() => Close(TimeSpan.FromSeconds(5));

    private IntPtr Live() => _handle != IntPtr.Zero ? _handle : throw new ObjectDisposedException(nameof(JackClient));

    private static string Detail() => LastLibraryMessage is { Length: > 0 } m ? $" (libjack: {m})" : "";

    private static IJackClientHandler? HandlerOf(IntPtr arg) => ((JackClient?)GCHandle.FromIntPtr(arg).Target)?._handler;

    [UnmanagedCallersOnly]
    private static int OnProcess(uint frames, IntPtr arg)
    {
        try
        {
            HandlerOf(arg)?.Process(frames);
        }
        catch
        {
            // An exception must never unwind into libjack; handlers contain their own failures, this is the last guard.
        }
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int OnXrun(IntPtr arg)
    {
        try
        {
            HandlerOf(arg)?.Xrun();
        }
        catch
        {
            // see OnProcess
        }
        return 0;
    }

    [UnmanagedCallersOnly]
    private static void OnLatency(int mode, IntPtr arg)
    {
        try
        {
            HandlerOf(arg)?.Latency((JackLatencyMode)mode);
        }
        catch
        {
            // see OnProcess
        }
    }

    [UnmanagedCallersOnly]
    private static void OnShutdown(int status, IntPtr reason, IntPtr arg)
    {
        try
        {
            var text = Marshal.PtrToStringUTF8(reason);
            HandlerOf(arg)?.Shutdown(string.IsNullOrWhiteSpace(text) ? $"status 0x{status:x}" : text.Trim());
        }
        catch
        {
            // see OnProcess
        }
    }

    [UnmanagedCallersOnly]
    private static void OnLibraryMessage(IntPtr message)
    {
        var source = new ReadOnlySpan<byte>((byte*)message, message == IntPtr.Zero ? 0 : (int)Math.Min(s_lastMessage.Length, StrLen((byte*)message)));
        source.CopyTo(s_lastMessage);
        Volatile.Write(ref s_lastMessageLength, source.Length);
    }

    [UnmanagedCallersOnly]
    private static void OnLibraryInfo(IntPtr message)
    {
        // libjack's informational chatter ("Jack: ...") is not for our users.
    }

    private static nint StrLen(byte* text)
    {
        nint n = 0;
        while (n < 4096 && text[n] != 0)
        {
            n++;
        }
        return n;
    }
}
