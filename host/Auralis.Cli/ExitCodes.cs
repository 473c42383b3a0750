namespace Auralis.Cli;

/// <summary>The exit codes of every command (also in README.md).</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>The job ran but failed (a plugin failed while processing; doctor found a problem).</summary>
    public const int Failed = 1;
    /// <summary>The command line is wrong.</summary>
    public const int Usage = 2;
    /// <summary>A plugin that was needed is missing or cannot be loaded.</summary>
    public const int PluginUnavailable = 3;
    /// <summary>A native library that was needed is missing.</summary>
    public const int NativeLibraryMissing = 4;
    /// <summary>The input audio is missing, unreadable or unsupported.</summary>
    public const int InputError = 5;
    /// <summary>The output cannot be written.</summary>
    public const int OutputError = 6;
    /// <summary>The graph or chain is invalid.</summary>
    public const int GraphError = 7;
    /// <summary>The realtime backend (JACK) is unavailable or failed.</summary>
    public const int RealtimeError = 8;
    /// <summary>Interrupted by a signal.</summary>
    public const int Interrupted = 130;
}
