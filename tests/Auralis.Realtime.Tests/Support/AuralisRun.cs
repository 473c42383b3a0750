using System.Diagnostics;
using System.Globalization;
using Auralis.Tests.Support;

namespace Auralis.Realtime.Tests.Support;

/// <summary>A real <c>auralis run</c> process against a test JACK server, with its output collected line by line.</summary>
public sealed class AuralisRun : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly TempDir _temp = new();

    private AuralisRun(JackServer server, string name, IEnumerable<string> arguments, IDictionary<string, string?>? environment)
    {
        Name = name;
        ControlPath = _temp.File("control.sock");
        var psi = new ProcessStartInfo(TestPaths.AuralisExe)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "run", "--name", name, "--control", ControlPath, "--plugins-dir", TestPlugins.Directory }.Concat(arguments))
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment.Remove("AURALIS_PLUGINS");
        foreach (var (k, v) in server.Environment.Concat(environment ?? new Dictionary<string, string?>()))
        {
            psi.Environment[k] = v;
        }
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => Add(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Add(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _process.StandardInput.AutoFlush = true;
    }

    /// <summary>The JACK client name.</summary>
    public string Name { get; }

    /// <summary>The run's control socket.</summary>
    public string ControlPath { get; }

    /// <summary>The front process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Standard output so far.</summary>
    public IReadOnlyList<string> StdOut => Snapshot(_stdout);

    /// <summary>Standard error so far.</summary>
    public IReadOnlyList<string> StdErr => Snapshot(_stderr);

    /// <summary>Starts <c>auralis run</c> and waits until it plays.</summary>
    public static AuralisRun Start(JackServer server, string name, IEnumerable<string> arguments, IDictionary<string, string?>? environment = null)
    {
        var run = new AuralisRun(server, name, arguments, environment);
        run.WaitForStdErr(l => l.Contains("control socket", StringComparison.Ordinal), 60);
        return run;
    }

    /// <summary>Starts <c>auralis run</c> and waits for it to end by itself; returns exit code and output.</summary>
    public static (int ExitCode, AuralisRun Run) RunToEnd(JackServer server, string name, IEnumerable<string> arguments,
        IDictionary<string, string?>? environment = null, int timeoutSeconds = 60)
    {
        var run = new AuralisRun(server, name, arguments, environment);
        return (run.WaitForExit(timeoutSeconds), run);
    }

    /// <summary>Sends a command line to the run's standard input.</summary>
    public void Send(string line) => _process.StandardInput.WriteLine(line);

    /// <summary>Sends a command on standard input and waits for its answer on standard error.</summary>
    public string Command(string line, int timeoutSeconds = 60)
    {
        var seen = StdErr.Count;
        Send(line);
        return WaitForStdErr(l => l.StartsWith("auralis: ok", StringComparison.Ordinal) || l.StartsWith("auralis: error", StringComparison.Ordinal),
            timeoutSeconds, seen);
    }

    /// <summary>Waits for a standard error line matching <paramref name="match"/> (from line <paramref name="from"/> on).</summary>
    public string WaitForStdErr(Func<string, bool> match, int timeoutSeconds, int from = 0)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var lines = StdErr;
            if (lines.Skip(from).FirstOrDefault(match) is { } line)
            {
                return line;
            }
            if (_process.HasExited && _process.WaitForExit(1000) && StdErr.Count == lines.Count)
            {
                throw new InvalidOperationException($"auralis run ended (exit {_process.ExitCode}) before printing the expected line\n{this}");
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"auralis run did not print the expected line in {timeoutSeconds} s\n{this}");
            }
            Thread.Sleep(20);
        }
    }

    /// <summary>Ends the run with <c>quit</c> and returns its exit code.</summary>
    public int Quit()
    {
        if (!_process.HasExited)
        {
            Send("quit");
        }
        return WaitForExit(30);
    }

    /// <summary>Sends a POSIX signal to the run.</summary>
    public void Signal(string name) => CommandRunner.Run("kill", [$"-{name}", _process.Id.ToString(CultureInfo.InvariantCulture)]);

    /// <summary>Waits for the run to end; returns its exit code.</summary>
    public int WaitForExit(int timeoutSeconds)
    {
        if (!_process.WaitForExit(timeoutSeconds * 1000))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"auralis run did not end within {timeoutSeconds} s\n{this}");
        }
        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    /// <summary>The statistics blocks printed with --stats, oldest first.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> StatsBlocks()
    {
        var blocks = new List<IReadOnlyDictionary<string, string>>();
        Dictionary<string, string>? block = null;
        foreach (var line in StdOut)
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon <= 0 || line.StartsWith("monitor", StringComparison.Ordinal))
            {
                block = null;
                continue;
            }
            if (block is null)
            {
                blocks.Add(block = new Dictionary<string, string>(StringComparer.Ordinal));
            }
            block[line[..colon]] = line[(colon + 2)..];
        }
        return blocks;
    }

    /// <summary>A statistic of a block as a number.</summary>
    public static double Stat(IReadOnlyDictionary<string, string> block, string name) =>
        block.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : throw new KeyNotFoundException($"no statistic '{name}' in {string.Join(", ", block.Keys)}");

    public override string ToString() =>
        $"--- stdout\n{string.Join('\n', StdOut.TakeLast(60))}\n--- stderr\n{string.Join('\n', StdErr.TakeLast(60))}";

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        _temp.Dispose();
    }

    private static void Add(List<string> lines, string? line)
    {
        if (line is not null)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }

    private static IReadOnlyList<string> Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }
}
