using System.Runtime.InteropServices;
using Auralis.Engine.Health;

namespace Auralis.Offline.SndFile;

/// <summary>libsndfile as a named native dependency: checked before first use so its absence is a clear error.</summary>
public static class SndFileLibrary
{
    /// <summary>The dependency, for doctor and error messages.</summary>
    public static NativeDependency Dependency { get; } =
        new(SndFileNative.Library, "reading and writing audio files", "libsndfile1", Required: true);

    /// <summary>Throws <see cref="NativeDependencyException"/> when libsndfile cannot be loaded.</summary>
    public static void Require() => Dependency.Require();

    /// <summary>libsndfile's own version string, e.g. <c>libsndfile-1.2.0</c>.</summary>
    public static string Version
    {
        get
        {
            Require();
            return Marshal.PtrToStringUTF8(SndFileNative.VersionString()) ?? "unknown";
        }
    }
}
