using System.Diagnostics;

namespace Auralis.Tests.Support;

/// <summary>The result of running a program.</summary>
public sealed record CommandResult(int ExitCode, string StdOut, string StdErr)
{
    public string All => StdOut + StdErr;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
}

/// <summary>Runs real programs (the built auralis, sox, ffmpeg, aubio …) the way a user would.</summary>
public static class CommandRunner
{
    /// <summary>Runs the built <c>auralis</c> with <paramref name="args"/>.</summary>
    public static CommandResult Auralis(params string[] args) => Run(TestPaths.AuralisExe, args);

    /// <summary>Runs a program and waits (at most <paramref name="timeoutSeconds"/>).</summary>
    public static CommandResult Run(string file, IEnumerable<string> args, IDictionary<string, string?>? environment = null,
        string? workingDirectory = null, int timeoutSeconds = 300, bool clearEnvironment = false)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        SetEnvironment(psi, environment, clearEnvironment);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeoutSeconds} s");
        }
        p.WaitForExit();
        return new CommandResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// The environment of a program under test: the tests' own plugin settings never leak into it; <paramref name="environment"/>
    /// sets (or, with null, removes) variables.
    /// </summary>
    public static void SetEnvironment(ProcessStartInfo psi, IDictionary<string, string?>? environment, bool clearEnvironment = false)
    {
        if (clearEnvironment)
        {
            psi.Environment.Clear();
        }
        psi.Environment.Remove("AURALIS_PLUGINS");
        psi.Environment.Remove("AURALIS_CONFIG");
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>())
        {
            if (v is null)
            {
                psi.Environment.Remove(k);
            }
            else
            {
                psi.Environment[k] = v;
            }
        }
    }
}
