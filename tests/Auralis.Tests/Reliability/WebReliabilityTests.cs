using System.Diagnostics;
using Auralis.Engine.Graph;
using Auralis.Offline;
using Auralis.Tests.Support;
using Auralis.Web.Streaming;
using Microsoft.Data.Sqlite;

namespace Auralis.Tests.Reliability;

/// <summary>The web player under faults: a sandboxed chain that crashes fails one chunk by name and the next chunk plays;
/// the library database survives <c>kill -9</c> in the middle of a scan.</summary>
public class WebReliabilityTests
{
    [Fact]
    public void A_sandboxed_plugin_crash_fails_that_chunk_by_name_and_the_next_chunk_renders()
    {
        using var t = new TempDir();
        // 2.3 s in 1 s chunks: each chunk renders from position 0, so a fault at 0.45 s hits chunk 0 (and 1), never the
        // 0.3 s (+0.1 s pre-roll) of chunk 2.
        var input = TestAudio.Noise(48000 * 23 / 10, 21);
        var path = TestAudio.Write(t.File("track.wav"), [input]);
        var layout = ChunkLayout.For(input.Length, 48000, 1.0, 0.1);
        var graph = ContainmentTests.Graph("""
            {"nodes":[{"id":"c","plugin":"org.auralis.tests.crasher","parameters":{"fault":3,"at_s":0.45}}],
             "connections":[{"from":"input","to":"c"},{"from":"c","to":"output"}]}
            """);
        using var sandbox = SandboxTests.Sandbox();

        var e = Assert.Throws<PluginFailedException>(() => ChunkRenderer.RenderProcessed(path, layout, 0, graph, GraphTests.Resolve, sandbox.Place));
        Assert.Contains("plugin 'org.auralis.tests.crasher' (node 'c') in its sandbox process crashed (SIGSEGV, segmentation fault)", e.Message);

        // The server process is alive, and a chunk the fault does not reach is processed: the inverted input.
        var next = ChunkRenderer.RenderProcessed(path, layout, 2, graph, GraphTests.Resolve, sandbox.Place);
        Assert.Equal(14400, next.Frames);
        for (var i = 0; i < next.Frames; i++)
        {
            Assert.Equal(-input[96000 + i], next.Channels[0][i]);
        }
    }

    [Fact]
    public void The_library_database_survives_kill_9_in_the_middle_of_a_scan()
    {
        using var t = new TempDir();
        var library = Directory.CreateDirectory(t.File("music")).FullName;
        const int files = 1500;
        for (var i = 0; i < files; i++)
        {
            File.WriteAllBytes(Path.Combine(library, $"track-{i:D4}.wav"), HostileInputTests.Wav(data: BitConverter.GetBytes((long)i * 7919)));
        }
        var data = t.File("data");
        var database = Path.Combine(data, "library.db");

        long Count(string sql = "SELECT COUNT(*) FROM tracks")
        {
            using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            c.Open();
            using var q = c.CreateCommand();
            q.CommandText = sql;
            return (long)q.ExecuteScalar()!;
        }

        Process Serve()
        {
            var psi = new ProcessStartInfo(TestPaths.AuralisExe) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "serve", "--library", library, "--data-dir", data, "--port", "0" })
            {
                psi.ArgumentList.Add(a);
            }
            psi.Environment["XDG_CACHE_HOME"] = t.File("cache");
            var p = Process.Start(psi)!;
            p.StandardOutput.ReadToEndAsync();
            p.StandardError.ReadToEndAsync();
            return p;
        }

        var killedMidScan = 0;
        for (var round = 0; round < 3; round++)
        {
            using var server = Serve();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            long seen = 0;
            while (DateTime.UtcNow < deadline && !server.HasExited)
            {
                try
                {
                    seen = File.Exists(database) ? Count() : 0;
                }
                catch (SqliteException)
                {
                    seen = 0; // the schema is not there yet
                }
                if (seen > (round + 1) * files / 6)
                {
                    break;
                }
                Thread.Sleep(2);
            }
            server.Kill(); // SIGKILL in the middle of the scan
            server.WaitForExit();
            killedMidScan += seen < files ? 1 : 0;

            // Nothing lost or broken: the file checks out and holds at least what was seen committed.
            Assert.Equal("ok", ((string?)new SqliteCommand("PRAGMA integrity_check", Open(database)).ExecuteScalar()));
            Assert.True(Count() >= seen, $"round {round}: {Count()} tracks after the kill, {seen} seen before it");
        }
        Assert.True(killedMidScan > 0, "no kill landed during a scan");

        // A clean start finishes the scan from where it stopped.
        using (var server = Serve())
        {
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (Count() < files && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
            server.Kill();
            server.WaitForExit();
        }
        Assert.Equal(files, Count());
        Assert.Equal(files, Count("SELECT COUNT(DISTINCT path) FROM tracks WHERE error IS NULL"));
    }

    private static SqliteConnection Open(string database)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        c.Open();
        return c;
    }
}
