using Auralis.Realtime.Tests.Support;
using Auralis.Tests.Support;

namespace Auralis.Realtime.Tests;

/// <summary><c>auralis run --isolation process</c> under a real jackd: a plugin that segfaults in its sandbox process
/// never takes the run down; the node is bypassed, the process restarted and every incident reported.</summary>
public sealed class SandboxRunTests
{
    // The crasher fixture, added beside the plugins the run uses (moved in whole, so no run sees half a folder).
    private static readonly Lazy<string> Crasher = new(() =>
    {
        var target = Path.Combine(TestPlugins.Directory, "crasher");
        if (!Directory.Exists(target))
        {
            var staging = Path.Combine(TestPlugins.Directory, "..", $".crasher-{Guid.NewGuid():N}");
            Directory.CreateDirectory(staging);
            foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.TestPluginsDir, "crasher")))
            {
                File.Copy(file, Path.Combine(staging, Path.GetFileName(file)));
            }
            Directory.Move(staging, target);
        }
        return target;
    });

    [Fact]
    public void A_plugin_that_segfaults_in_every_block_is_restarted_then_bypassed_and_the_run_carries_on()
    {
        _ = Crasher.Value;
        using var server = new JackServer();
        using var cache = new TempDir();
        // repeat=1: every restarted process crashes again, so the sandbox restarts it MaxRestarts (3) times and then
        // leaves the node bypassed. The run has no fixed duration: it is ended once the give-up has been reported
        // (waited for, however long restarts take on a loaded machine), and must still be playing then.
        using var run = AuralisRun.Start(server, "rt-sandbox",
            ["--chain", "crasher", "--param", "crasher.fault=3", "--param", "crasher.at_s=0.5", "--param", "crasher.repeat=1",
             "--isolation", "process", "--stats"],
            new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = cache.Path });
        const string Crashed = "auralis: warning: plugin 'org.auralis.tests.crasher' (node 'crasher') in its sandbox process crashed (SIGSEGV, segmentation fault)";
        run.WaitForStdErr(l => l.StartsWith(Crashed, StringComparison.Ordinal) && l.Contains("gave up after 3 restarts", StringComparison.Ordinal), timeoutSeconds: 120);
        var exit = run.Quit();
        {
            Assert.True(exit == 0, run.ToString());
            var warnings = run.StdErr.Where(l => l.StartsWith(Crashed, StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(warnings);
            Assert.Contains(warnings, l => l.Contains("the process was restarted in", StringComparison.Ordinal));
            Assert.Contains(warnings, l => l.Contains("gave up after 3 restarts: bypassed for the rest of the run", StringComparison.Ordinal));
            Assert.NotEmpty(run.StatsBlocks()); // it kept playing and reported its statistics
        }
    }
}
