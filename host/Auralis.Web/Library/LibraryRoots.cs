using System.Runtime.InteropServices;

namespace Auralis.Web.Library;

/// <summary>
/// The library folders, with symbolic links resolved. A file belongs to the library only when its real path (every
/// link followed) lies inside one of them: a link that points out of the library does not make the outside reachable.
/// </summary>
public sealed partial class LibraryRoots
{
    private readonly string[] _roots;

    /// <summary>Resolves each folder; a missing folder is a named error.</summary>
    /// <exception cref="DirectoryNotFoundException">A folder does not exist.</exception>
    public LibraryRoots(IEnumerable<string> folders)
    {
        var roots = new List<string>();
        foreach (var folder in folders)
        {
            var full = Path.GetFullPath(folder);
            if (!Directory.Exists(full))
            {
                throw new DirectoryNotFoundException($"library folder {full} does not exist");
            }
            var real = RealPath(full) ?? full;
            if (!roots.Contains(real))
            {
                roots.Add(real);
            }
        }
        _roots = [.. roots];
    }

    /// <summary>The resolved library folders.</summary>
    public IReadOnlyList<string> All => _roots;

    /// <summary>The library folder containing <paramref name="path"/>'s real location, or null when it lies outside.</summary>
    public string? RootOf(string path)
    {
        var real = RealPath(path);
        if (real is null)
        {
            return null;
        }
        foreach (var root in _roots)
        {
            if (real.StartsWith(root.EndsWith('/') ? root : root + "/", StringComparison.Ordinal))
            {
                return root;
            }
        }
        return null;
    }

    /// <summary>The path with every symbolic link resolved (realpath(3)), or null when it does not exist.</summary>
    public static string? RealPath(string path)
    {
        var result = Native.RealPath(path, IntPtr.Zero);
        if (result == IntPtr.Zero)
        {
            return null;
        }
        try
        {
            return Marshal.PtrToStringUTF8(result);
        }
        finally
        {
            Native.Free(result);
        }
    }

    private static partial class Native
    {
        [LibraryImport("libc.so.6", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
        public static partial IntPtr RealPath(string path, IntPtr resolved);

        [LibraryImport("libc.so.6", EntryPoint = "free")]
        public static partial void Free(IntPtr pointer);
    }
}
