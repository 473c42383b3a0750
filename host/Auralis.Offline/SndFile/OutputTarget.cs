using System.Runtime.InteropServices;

namespace Auralis.Offline.SndFile;

/// <summary>What an output path names before anything is written to it.</summary>
public static partial class OutputTarget
{
    private const uint FileTypeMask = 0xF000;    // S_IFMT
    private const uint RegularFile = 0x8000;     // S_IFREG
    private const uint Directory = 0x4000;       // S_IFDIR
    private const int ModeOffset = 24;           // st_mode in x86-64 glibc's struct stat (after st_dev, st_ino, st_nlink)
    private const int StatSize = 144;

    /// <summary>
    /// True when <paramref name="path"/> exists (following symbolic links) and is neither a regular file nor a
    /// directory: a device such as <c>/dev/null</c> or <c>/dev/stdout</c>, a named pipe, a socket. Outputs are
    /// normally written beside the target and renamed over it, so a failed job never leaves half a file; a rename over
    /// a device would put a regular file where the device was — run as root, <c>--json /dev/null</c> replaced the
    /// system's /dev/null that way. Such targets are written in place instead.
    /// </summary>
    public static unsafe bool IsDeviceOrPipe(string path)
    {
        var buffer = stackalloc byte[StatSize];
        if (Stat(path, buffer) != 0)
        {
            return false; // missing (or unreadable): a new regular file will be created
        }
        var type = *(uint*)(buffer + ModeOffset) & FileTypeMask;
        return type != RegularFile && type != Directory;
    }

    [LibraryImport("libc.so.6", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Stat(string path, byte* buffer);
}
