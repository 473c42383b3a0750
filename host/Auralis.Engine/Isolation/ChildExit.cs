namespace Auralis.Engine.Isolation;

/// <summary>Names how a child process ended (.NET reports death by signal N as exit code 128 + N).</summary>
internal static class ChildExit
{
    public static string Describe(int code) => code > 128 && code < 128 + 32
        ? (code - 128) switch
        {
            11 => "SIGSEGV, segmentation fault",
            6 => "SIGABRT, aborted",
            9 => "SIGKILL, killed",
            7 => "SIGBUS, bus error",
            4 => "SIGILL, illegal instruction",
            8 => "SIGFPE, arithmetic error",
            var s => $"signal {s}",
        }
        : $"exit code {code}";

    /// <summary>
    /// True for stderr lines that do not name a failure: stack frames and the separators of a stack overflow's trace.
    /// The runtime's own last words ("Stack overflow.", "Process terminated. …") are what is worth keeping.
    /// </summary>
    public static bool IsNoise(string line) =>
        line.Length == 0 || line.StartsWith("at ", StringComparison.Ordinal) || line.StartsWith("Repeat", StringComparison.Ordinal)
        || line.StartsWith("---", StringComparison.Ordinal) || line.StartsWith("End of repeat", StringComparison.Ordinal);

    /// <summary>At most 200 characters of text for a one-line report.</summary>
    public static string Clip(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
