using System.Runtime.InteropServices;

namespace Auralis.Jack;

/// <summary>Which latency a JACK latency callback or range is about.</summary>
public enum JackLatencyMode
{
    /// <summary>How long ago the data read from a port entered the system (inputs upstream).</summary>
    Capture = 0,

    /// <summary>How long until the data written to a port leaves the system (outputs downstream).</summary>
    Playback = 1,
}

/// <summary>A JACK latency range in frames.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct JackLatencyRange
{
    /// <summary>Smallest latency.</summary>
    public uint Min;

    /// <summary>Largest latency.</summary>
    public uint Max;

    /// <summary>The range as <c>[min, max]</c>.</summary>
    public override readonly string ToString() => $"[{Min}, {Max}]";
}

/// <summary>P/Invoke declarations for libjack.so.0 (Debian libjack-jackd2-0), the subset Auralis uses.</summary>
internal static unsafe partial class JackNative
{
    public const string Library = "libjack.so.0";
    public const string AudioPortType = "32 bit float mono audio";

    // jack_options_t
    public const uint NoStartServer = 0x01;
    public const uint UseExactName = 0x02;
    public const uint ServerName = 0x04;

    // jack_status_t
    public const uint StatusFailure = 0x01;
    public const uint StatusInvalidOption = 0x02;
    public const uint StatusNameNotUnique = 0x04;
    public const uint StatusServerFailed = 0x10;
    public const uint StatusServerError = 0x20;
    public const uint StatusShmFailure = 0x200;
    public const uint StatusVersionError = 0x400;

    // JackPortFlags
    public const nuint PortIsInput = 0x1;
    public const nuint PortIsOutput = 0x2;
    public const nuint PortIsPhysical = 0x4;

    // C: variadic (...) after status, read as the server name when ServerName is set. Passing it as a fourth fixed
    // argument is sound on x86-64 Linux (variadic pointers travel in the same register as fixed ones).
    [LibraryImport(Library, EntryPoint = "jack_client_open", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr ClientOpen(string name, uint options, out uint status, string serverName);

    [LibraryImport(Library, EntryPoint = "jack_client_close")]
    public static partial int ClientClose(IntPtr client);

    [LibraryImport(Library, EntryPoint = "jack_get_client_name")]
    public static partial IntPtr GetClientName(IntPtr client);

    [LibraryImport(Library, EntryPoint = "jack_get_sample_rate")]
    public static partial uint GetSampleRate(IntPtr client);

    [LibraryImport(Library, EntryPoint = "jack_get_buffer_size")]
    public static partial uint GetBufferSize(IntPtr client);

    [LibraryImport(Library, EntryPoint = "jack_cpu_load")]
    public static partial float CpuLoad(IntPtr client);

    [LibraryImport(Library, EntryPoint = "jack_activate")]
    public static partial int Activate(IntPtr client);

    [LibraryImport(Library, EntryPoint = "jack_deactivate")]
    public static partial int Deactivate(IntPtr client);

    [LibraryImport(Library, EntryPoint = "jack_set_freewheel")]
    public static partial int SetFreewheel(IntPtr client, int on);

    [LibraryImport(Library, EntryPoint = "jack_set_process_callback")]
    public static partial int SetProcessCallback(IntPtr client, delegate* unmanaged<uint, IntPtr, int> callback, IntPtr arg);

    [LibraryImport(Library, EntryPoint = "jack_set_xrun_callback")]
    public static partial int SetXrunCallback(IntPtr client, delegate* unmanaged<IntPtr, int> callback, IntPtr arg);

    [LibraryImport(Library, EntryPoint = "jack_set_latency_callback")]
    public static partial int SetLatencyCallback(IntPtr client, delegate* unmanaged<int, IntPtr, void> callback, IntPtr arg);

    [LibraryImport(Library, EntryPoint = "jack_on_info_shutdown")]
    public static partial void OnInfoShutdown(IntPtr client, delegate* unmanaged<int, IntPtr, IntPtr, void> callback, IntPtr arg);

    [LibraryImport(Library, EntryPoint = "jack_set_error_function")]
    public static partial void SetErrorFunction(delegate* unmanaged<IntPtr, void> callback);

    [LibraryImport(Library, EntryPoint = "jack_set_info_function")]
    public static partial void SetInfoFunction(delegate* unmanaged<IntPtr, void> callback);

    [LibraryImport(Library, EntryPoint = "jack_port_register", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr PortRegister(IntPtr client, string name, string type, nuint flags, nuint bufferSize);

    [LibraryImport(Library, EntryPoint = "jack_port_name")]
    public static partial IntPtr PortName(IntPtr port);

    [LibraryImport(Library, EntryPoint = "jack_port_by_name", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr PortByName(IntPtr client, string name);

    [LibraryImport(Library, EntryPoint = "jack_port_get_buffer")]
    public static partial float* PortGetBuffer(IntPtr port, uint frames);

    [LibraryImport(Library, EntryPoint = "jack_port_get_latency_range")]
    public static partial void PortGetLatencyRange(IntPtr port, int mode, out JackLatencyRange range);

    [LibraryImport(Library, EntryPoint = "jack_port_set_latency_range")]
    public static partial void PortSetLatencyRange(IntPtr port, int mode, ref JackLatencyRange range);

    [LibraryImport(Library, EntryPoint = "jack_recompute_total_latencies")]
    public static partial int RecomputeTotalLatencies(IntPtr client);

    [LibraryImport(Library, EntryPoint = "jack_connect", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Connect(IntPtr client, string source, string destination);

    [LibraryImport(Library, EntryPoint = "jack_get_ports", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr GetPorts(IntPtr client, string? namePattern, string? typePattern, nuint flags);

    [LibraryImport(Library, EntryPoint = "jack_free")]
    public static partial void Free(IntPtr pointer);
}
