using Auralis.Engine.Health;

namespace Auralis.Jack;

/// <summary>libjack as a named native dependency, checked before first use so its absence is a clear error.</summary>
public static class JackLibrary
{
    /// <summary>The dependency, for doctor and error messages.</summary>
    public static NativeDependency Dependency { get; } =
        new(JackNative.Library, "realtime processing with 'auralis run' (JACK)", "libjack-jackd2-0", Required: false);

    /// <summary>The JACK server clients of this process connect to: <c>JACK_DEFAULT_SERVER</c>, else <c>default</c>.</summary>
    public static string ServerName =>
        Environment.GetEnvironmentVariable("JACK_DEFAULT_SERVER") is { Length: > 0 } name ? name : "default";

    /// <summary>Throws <see cref="JackException"/> (<see cref="JackErrorKind.LibraryMissing"/>) when libjack cannot be loaded.</summary>
    public static void Require()
    {
        if (Dependency.LoadProblem is { } problem)
        {
            throw new JackException(JackErrorKind.LibraryMissing,
                $"native library {Dependency.LibraryName} is missing ({Dependency.NeededFor}): {problem}. Fix: {Dependency.Fix}");
        }
    }
}
