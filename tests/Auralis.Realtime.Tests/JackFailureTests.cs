using Auralis.Realtime.Tests.Support;
using Auralis.Tests.Support;

namespace Auralis.Realtime.Tests;

/// <summary>JACK missing, broken or gone: always a named error with exit code 8, never a hang.</summary>
public sealed class JackFailureTests
{
    private const int RealtimeError = 8;

    [Fact]
    public void A_missing_server_is_a_named_error_and_none_is_started()
    {
        var name = $"auralis-absent-{Guid.NewGuid():N}";
        var result = CommandRunner.Run(TestPaths.AuralisExe, ["run", "--chain", "gain", "--plugins-dir", TestPlugins.Directory, "--duration", "5"],
            new Dictionary<string, string?> { ["JACK_DEFAULT_SERVER"] = name }, timeoutSeconds: 60);
        Assert.Equal(RealtimeError, result.ExitCode);
        Assert.Contains($"auralis: error: no JACK server named '{name}' is running", result.StdErr);
        Assert.Contains("Auralis never starts one", result.StdErr);
        Assert.False(File.Exists($"/dev/shm/jack_sem.0_{name}_system"), "a server was started");
    }

    [Fact]
    public void A_broken_jack_library_is_a_named_error()
    {
        using var temp = new TempDir();
        File.WriteAllText(temp.File("libjack.so.0"), "not a library"); // found first on LD_LIBRARY_PATH, fails to load
        var result = CommandRunner.Run(TestPaths.AuralisExe, ["run", "--chain", "gain", "--plugins-dir", TestPlugins.Directory],
            new Dictionary<string, string?> { ["LD_LIBRARY_PATH"] = temp.Path }, timeoutSeconds: 60);
        Assert.Equal(RealtimeError, result.ExitCode);
        Assert.Contains("auralis: error: native library libjack.so.0 is missing", result.StdErr);
        Assert.Contains("sudo apt-get install libjack-jackd2-0", result.StdErr);
    }

    [Fact]
    public void A_plugin_that_fails_live_is_bypassed_and_named_and_one_that_fails_before_going_live_stops_the_start()
    {
        using var server = new JackServer();
        // Warm-up renders 8 s before going live: failing at 0.1 s happens there, and the run does not start.
        var (code, early) = AuralisRun.RunToEnd(server, "rt-faulty-early", ["--chain", "gain,faulty", "--param", "faulty.fail_after_s=0.1"]);
        using (early)
        {
            Assert.Equal(7, code);
            Assert.Contains(early.StdErr, l => l.StartsWith("auralis: error: plugin 'org.auralis.tests.faulty' (node 'faulty') failed and is bypassed: " +
                "InvalidOperationException: fixture failure at sample", StringComparison.Ordinal) && l.EndsWith("(while warming up, before going live)", StringComparison.Ordinal));
        }
        // Failing while live (after the warm-up's 8 s): the node is bypassed (audio keeps flowing) and the failure is named.
        using var run = AuralisRun.Start(server, "rt-faulty", ["--chain", "gain,faulty", "--param", "faulty.fail_after_s=10"]);
        run.WaitForStdErr(l => l.StartsWith("auralis: warning: plugin 'org.auralis.tests.faulty' (node 'faulty') failed and is bypassed: " +
            "InvalidOperationException: fixture failure at sample 480000", StringComparison.Ordinal), 60);
        Assert.Equal(0, run.Quit());
    }

    [Fact]
    public void A_server_killed_while_running_is_reported_and_the_run_ends()
    {
        using var server = new JackServer();
        using var run = AuralisRun.Start(server, "rt-killed", ["--chain", "gain", "--stats"]);
        server.Kill();
        Assert.Equal(RealtimeError, run.WaitForExit(30));
        Assert.Contains(run.StdErr, l => l.StartsWith($"auralis: error: the JACK server '{server.Name}' shut down while the run was playing", StringComparison.Ordinal));
        Assert.NotEmpty(run.StatsBlocks()); // the final statistics still come out
    }
}
