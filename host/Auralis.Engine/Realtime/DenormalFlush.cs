using System.Runtime.InteropServices;

namespace Auralis.Engine.Realtime;

/// <summary>
/// Flushes denormal floats to zero on the calling thread (x86-64: MXCSR flush-to-zero and denormals-are-zero). Decaying
/// filter and reverb states otherwise end in denormals, which are up to a hundred times slower to compute and turn a
/// quiet passage into a CPU spike. .NET has no intrinsic for MXCSR, so the C library's fegetenv/fesetenv set it.
/// </summary>
public static unsafe partial class DenormalFlush
{
    private const uint FlushToZero = 0x8000;
    private const uint DenormalsAreZero = 0x0040;
    private const int MxcsrOffset = 28; // glibc x86-64 fenv_t: the x87 environment (28 bytes), then __mxcsr
    private const int FenvSize = 32;

    // Read through fields so the JIT cannot fold the probe's arithmetic away.
    private static float s_smallestNormal = 1.17549435e-38f;
    private static float s_half = 0.5f;
    private static float s_denormal = 1e-40f;

    private static bool Supported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <summary>
    /// Loads the C library functions once, off the audio thread, so that <see cref="EnableOnCurrentThread"/> does no
    /// library loading (which would allocate) on it. Thread: control.
    /// </summary>
    public static void Prepare()
    {
        if (Supported)
        {
            var env = stackalloc byte[FenvSize];
            _ = GetEnvironment(env);
        }
    }

    /// <summary>Sets flush-to-zero and denormals-are-zero on this thread; returns whether denormals are now flushed.</summary>
    public static bool EnableOnCurrentThread()
    {
        if (Supported)
        {
            var env = stackalloc byte[FenvSize];
            if (GetEnvironment(env) == 0)
            {
                *(uint*)(env + MxcsrOffset) |= FlushToZero | DenormalsAreZero;
                _ = SetEnvironment(env);
            }
        }
        return IsActiveOnCurrentThread();
    }

    /// <summary>True when this thread's float arithmetic neither produces nor reads denormals (measured, not assumed).</summary>
    public static bool IsActiveOnCurrentThread()
    {
        var produced = Volatile.Read(ref s_smallestNormal) * Volatile.Read(ref s_half); // a denormal unless flushed
        var read = Volatile.Read(ref s_denormal) * 1.5f;                              // nonzero unless inputs are zeroed
        return produced == 0f && read == 0f;
    }

    [LibraryImport("libm.so.6", EntryPoint = "fegetenv")]
    private static partial int GetEnvironment(byte* environment);

    [LibraryImport("libm.so.6", EntryPoint = "fesetenv")]
    private static partial int SetEnvironment(byte* environment);
}
