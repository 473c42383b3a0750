using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Auralis.Engine.Health;

/// <summary>A native library a host component needs, with what to tell people when it is missing.</summary>
/// <param name="LibraryName">The soname loaded, e.g. <c>libsndfile.so.1</c>.</param>
/// <param name="NeededFor">What stops working without it.</param>
/// <param name="DebianPackage">The Debian package that provides it.</param>
/// <param name="Required">True when Auralis cannot do its main job without it.</param>
/// <param name="FixText">How to fix its absence when that is not installing <paramref name="DebianPackage"/> (a library
/// Auralis ships itself).</param>
public sealed record NativeDependency(string LibraryName, string NeededFor, string DebianPackage, bool Required, string? FixText = null)
{
    /// <summary>How to fix its absence.</summary>
    public string Fix => FixText ?? $"install it: sudo apt-get install {DebianPackage}";

    /// <summary>Tries to load the library; on failure says why.</summary>
    public bool TryLoad(out string? path, out string? problem)
    {
        if (NativeLibrary.TryLoad(LibraryName, typeof(NativeDependency).Assembly, DllImportSearchPath.SafeDirectories | DllImportSearchPath.AssemblyDirectory, out var handle))
        {
            path = NativeLibraryPath.Of(handle, LibraryName);
            problem = null;
            return true;
        }
        path = null;
        problem = $"{LibraryName} could not be loaded (not installed, or not on the library path)";
        return false;
    }

    // Whether each library loads, decided once per process: a loaded library stays loaded, and asking again costs a
    // dlopen and a read of /proc/self/maps — too much for every file a library scan opens. (doctor asks TryLoad afresh.)
    private static readonly ConcurrentDictionary<string, string?> LoadProblems = new(StringComparer.Ordinal);

    /// <summary>Why the library cannot be loaded, or null when it loads; decided at the first call in the process.</summary>
    public string? LoadProblem => LoadProblems.GetOrAdd(LibraryName, name => TryLoad(out _, out var problem) ? null : problem);

    /// <summary>Throws the named error when the library cannot be loaded (decided once per process).</summary>
    /// <exception cref="NativeDependencyException">The library cannot be loaded.</exception>
    public void Require()
    {
        if (LoadProblem is { } problem)
        {
            throw new NativeDependencyException(this, problem);
        }
    }
}

/// <summary>A native library is missing: names it, what it is for, and the fix.</summary>
public sealed class NativeDependencyException(NativeDependency dependency, string problem)
    : Exception($"native library {dependency.LibraryName} is missing ({dependency.NeededFor}): {problem}. Fix: {dependency.Fix}")
{
    /// <summary>The missing dependency.</summary>
    public NativeDependency Dependency { get; } = dependency;
}

/// <summary>Finds where a loaded library lives (for doctor's report), via /proc/self/maps.</summary>
internal static class NativeLibraryPath
{
    public static string Of(IntPtr handle, string name)
    {
        try
        {
            var stem = name.Split(".so")[0] + ".so";
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                var slash = line.IndexOf('/');
                if (slash >= 0 && line.AsSpan(slash).Contains(stem.AsSpan(), StringComparison.Ordinal))
                {
                    return line[slash..];
                }
            }
        }
        catch (IOException)
        {
        }
        return name;
    }
}
