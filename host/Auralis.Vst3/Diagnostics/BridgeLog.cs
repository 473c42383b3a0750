using System.Globalization;

namespace Auralis.Vst3.Diagnostics;

/// <summary>
/// Where the bridge reports: every line goes to stderr (the DAW's log or terminal) and is appended to a log file, so a
/// failure inside a DAW is never silent. Control threads only: the audio thread records faults and a reporter thread
/// (<see cref="InstanceWatcher"/>) writes them here.
/// </summary>
internal static class BridgeLog
{
    /// <summary>Overrides the log file's path.</summary>
    public const string PathVariable = "AURALIS_VST3_LOG";

    private static readonly Lock Gate = new();

    /// <summary>The log file: <c>AURALIS_VST3_LOG</c>, else <c>$XDG_STATE_HOME/auralis/vst3.log</c> (default <c>~/.local/state</c>).</summary>
    public static string FilePath { get; } = ResolvePath();

    public static void Error(string message) => Write("error", message);

    public static void Warning(string message) => Write("warning", message);

    public static void Info(string message) => Write("info", message);

    /// <summary>An exception caught at the ABI boundary of <paramref name="entryPoint"/>.</summary>
    public static void Failure(string entryPoint, Exception e) =>
        Error($"{entryPoint} failed: {e.GetType().Name}: {e.Message}{Environment.NewLine}{e.StackTrace}");

    private static void Write(string level, string message)
    {
        var line = $"auralis-vst3: {level}: {message}";
        lock (Gate)
        {
            try
            {
                Console.Error.WriteLine(line);
                Console.Error.Flush();
            }
            catch (IOException)
            {
            }
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
                File.AppendAllText(FilePath,
                    DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) + " [" + Environment.ProcessId + "] " + line + "\n");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // stderr already has the line; a read-only home must not take the DAW down.
            }
        }
    }

    private static string ResolvePath()
    {
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } explicitPath)
        {
            return Path.GetFullPath(explicitPath);
        }
        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        if (string.IsNullOrEmpty(state))
        {
            state = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        }
        return Path.Combine(state, "auralis", "vst3.log");
    }
}
