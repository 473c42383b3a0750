using System.Runtime.InteropServices;

namespace Auralis.Engine.Isolation;

/// <summary>
/// The few Linux calls the sandbox needs: anonymous shared memory (memfd + mmap), futexes on words in it, and kill.
/// Futexes were chosen over eventfd or POSIX semaphores because the word that carries the block sequence number is
/// also the thing waited on: one atomic store plus one FUTEX_WAKE per direction, no extra kernel object per instance,
/// and a waiter that finds the value already changed never enters the kernel at all.
/// </summary>
internal static unsafe partial class LinuxNative
{
    private const string Libc = "libc.so.6";

    public const int FutexWait = 0, FutexWake = 1; // not FUTEX_PRIVATE_FLAG: the word is shared between processes
    public const int ProtRead = 1, ProtWrite = 2, MapShared = 1, ORdWr = 2;
    public const int SigKill = 9;
    public const int ETimedOut = 110, EAgain = 11, EIntr = 4;

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static readonly long FutexSyscall = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        var other => throw new PlatformNotSupportedException($"the plugin sandbox has no futex syscall number for {other}"),
    };

    [LibraryImport(Libc, EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MemfdCreate(string name, uint flags);

    [LibraryImport(Libc, EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Ftruncate(int fd, long length);

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "mmap", SetLastError = true)]
    public static partial IntPtr Mmap(IntPtr address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport(Libc, EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(IntPtr address, nuint length);

    [LibraryImport(Libc, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport(Libc, EntryPoint = "_exit")]
    public static partial void ExitNow(int status);

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, int* address, int operation, int value, Timespec* timeout, IntPtr address2, int value3);

    /// <summary>Sleeps while <c>*word == expected</c>, at most <paramref name="timeoutNanoseconds"/>. Returns at once
    /// when the word already differs. Spurious wake-ups happen: callers re-check. Allocation-free.</summary>
    public static void Wait(int* word, int expected, long timeoutNanoseconds)
    {
        var ts = new Timespec { Seconds = timeoutNanoseconds / 1_000_000_000, Nanoseconds = timeoutNanoseconds % 1_000_000_000 };
        _ = Syscall(FutexSyscall, word, FutexWait, expected, &ts, IntPtr.Zero, 0);
    }

    /// <summary>Wakes every waiter on <paramref name="word"/>. Allocation-free.</summary>
    public static void Wake(int* word) => _ = Syscall(FutexSyscall, word, FutexWake, int.MaxValue, null, IntPtr.Zero, 0);
}

/// <summary>
/// A block of memory shared with a child process: a memfd the child opens through <c>/proc/HOSTPID/fd/FD</c>, so no
/// name is left in the file system when either side dies.
/// </summary>
internal sealed unsafe class SharedMemory : IDisposable
{
    private IntPtr _address;
    private int _fd;

    private SharedMemory(int fd, IntPtr address, long size)
    {
        _fd = fd;
        _address = address;
        Size = size;
    }

    public byte* Pointer => (byte*)_address;

    public long Size { get; }

    /// <summary>The path a child process opens to map the same memory.</summary>
    public string ChildPath => $"/proc/{Environment.ProcessId}/fd/{_fd}";

    /// <summary>Creates zeroed shared memory of <paramref name="size"/> bytes.</summary>
    public static SharedMemory Create(string name, long size)
    {
        var fd = LinuxNative.MemfdCreate(name, 0);
        if (fd < 0)
        {
            throw new IOException($"memfd_create failed (errno {Marshal.GetLastPInvokeError()})");
        }
        if (LinuxNative.Ftruncate(fd, size) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            LinuxNative.Close(fd);
            throw new IOException($"ftruncate({size}) failed (errno {errno})");
        }
        return Map(fd, size);
    }

    /// <summary>Maps memory another process created (<paramref name="path"/> is its <see cref="ChildPath"/>).</summary>
    public static SharedMemory Open(string path, long size)
    {
        var fd = LinuxNative.Open(path, LinuxNative.ORdWr);
        if (fd < 0)
        {
            throw new IOException($"cannot open shared memory {path} (errno {Marshal.GetLastPInvokeError()})");
        }
        return Map(fd, size);
    }

    private static SharedMemory Map(int fd, long size)
    {
        var address = LinuxNative.Mmap(IntPtr.Zero, (nuint)size, LinuxNative.ProtRead | LinuxNative.ProtWrite, LinuxNative.MapShared, fd, 0);
        if (address == new IntPtr(-1))
        {
            var errno = Marshal.GetLastPInvokeError();
            LinuxNative.Close(fd);
            throw new IOException($"mmap({size}) failed (errno {errno})");
        }
        return new SharedMemory(fd, address, size);
    }

    public void Dispose()
    {
        if (_address != IntPtr.Zero)
        {
            LinuxNative.Munmap(_address, (nuint)Size);
            _address = IntPtr.Zero;
        }
        if (_fd >= 0)
        {
            LinuxNative.Close(_fd);
            _fd = -1;
        }
    }
}
