using System.Diagnostics;
using Auralis.Tests.Support;

namespace Auralis.Realtime.Tests.Support;

/// <summary>
/// A private, real JACK server (<c>jackd -d dummy -r 48000 -p 64</c>) under a unique name, started for a test class
/// (or a benchmark) and stopped by its PID. Clients reach it through <c>JACK_DEFAULT_SERVER</c>;
/// <c>JACK_NO_START_SERVER</c> keeps every tool from starting a default server by accident.
/// </summary>
public sealed class JackServer : IDisposable
{
    public const int SampleRate = 48000;
    public const int Period = 64;

    private readonly Process _process;
    private readonly int _period;
    private readonly List<(long Time, string Line)> _log = [];

    public JackServer() : this(Period)
    {
    }

    internal JackServer(int period) : this($"auralis-test-{System.Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}", period)
    {
    }

    private JackServer(string name, int period)
    {
        Name = name;
        _period = period;
        var psi = new ProcessStartInfo("jackd")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-n", Name, "-d", "dummy", "-r", $"{SampleRate}", "-p", $"{period}" })
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["JACK_NO_START_SERVER"] = "1";
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => Record(e.Data);
        _process.ErrorDataReceived += (_, e) => Record(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!Lsp().StdOut.Contains("system:playback_1", StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                var state = _process.HasExited ? $"exit {_process.ExitCode}" : "still running after 20 s";
                Dispose();
                string log;
                lock (_log)
                {
                    log = string.Join('\n', _log.Select(l => l.Line));
                }
                throw new InvalidOperationException($"jackd -n {Name} -d dummy did not start ({state}):\n{log}");
            }
            Thread.Sleep(100);
        }
    }

    /// <summary>The server's name (JACK_DEFAULT_SERVER for its clients).</summary>
    public string Name { get; }

    /// <summary>The server's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The environment a client of this server needs.</summary>
    public Dictionary<string, string?> Environment => new()
    {
        ["JACK_DEFAULT_SERVER"] = Name,
        ["JACK_NO_START_SERVER"] = "1",
    };

    /// <summary>Runs <c>jack_lsp</c> against this server with <paramref name="options"/>.</summary>
    public CommandResult Lsp(params string[] options) => CommandRunner.Run("jack_lsp", options, Environment, timeoutSeconds: 30);

    /// <summary>
    /// The server's own xrun reports since <paramref name="since"/> (<see cref="Stopwatch"/> ticks): how often
    /// <paramref name="client"/> had not finished its period in time, and how often the driver's timer itself woke late
    /// (the machine, not any client).
    /// </summary>
    public (int ClientLate, int TimerLate) XrunReports(string client, long since)
    {
        lock (_log)
        {
            var recent = _log.Where(l => l.Time >= since).Select(l => l.Line).ToList();
            return (recent.Count(l => l.Contains($"client = {client} was not finished", StringComparison.Ordinal)),
                recent.Count(l => l.Contains("JackTimedDriver::Process XRun", StringComparison.Ordinal)));
        }
    }

    /// <summary>Kills the server at once (SIGKILL), as a crash would, then cleans up after it.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
            CleanUpAfterKill();
        }
    }

    /// <summary>Stops the server (SIGTERM; SIGKILL and a clean-up if it does not end).</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            CommandRunner.Run("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            if (!_process.WaitForExit(5000))
            {
                _process.Kill();
                _process.WaitForExit();
                CleanUpAfterKill();
            }
        }
        _process.Dispose();
    }

    // A killed server leaves its shared memory and semaphores in /dev/shm and, worse, its slot in JACK's machine-wide
    // server registry (a handful of slots; once full, no jackd starts for anyone). jackd reclaims a dead server's slot
    // only for a server of the same name, so one is started under the name and stopped cleanly, which frees the slot.
    private void CleanUpAfterKill()
    {
        RemoveLeftovers();
        try
        {
            new JackServer(Name, _period).Dispose();
        }
        catch (InvalidOperationException)
        {
            // best effort: the test that killed the server reports its own verdict
        }
        RemoveLeftovers();
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.Add((Stopwatch.GetTimestamp(), line));
            }
        }
    }

    private void RemoveLeftovers()
    {
        foreach (var file in Directory.GetFiles("/dev/shm").Where(f => Path.GetFileName(f).Contains($"_{Name}_", StringComparison.Ordinal)))
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
        }
    }
}
