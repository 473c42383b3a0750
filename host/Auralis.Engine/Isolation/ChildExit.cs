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
}
