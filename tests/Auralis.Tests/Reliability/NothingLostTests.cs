using System.Diagnostics;
using Auralis.Offline.SndFile;
using Auralis.Tests.Support;

namespace Auralis.Tests.Reliability;

/// <summary>Killing <c>auralis process</c> at any moment never leaves a truncated file under the output name.</summary>
public class NothingLostTests
{
    [Fact]
    public void SIGKILL_at_random_moments_never_leaves_a_truncated_output_and_stale_temporaries_are_cleaned()
    {
        using var t = new TempDir();
        var input = TestAudio.Write(t.File("in.wav"), [TestAudio.Noise(48000 * 30, 1, 0.3f), TestAudio.Noise(48000 * 30, 2, 0.3f)], 48000, SampleEncoding.Pcm16);
        var env = new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = t.File("cache") };
        string[] Args(string output) => ["process", input, output, "--chain", "gain", "--param", "gain.gain_db=-1", "--block", "512"];

        // The reference: one uninterrupted run, timed so the kills below spread over a whole job. A first run fills the
        // plugin-scan cache, which would otherwise make the timed run several times longer than the jobs killed below.
        Assert.Equal(0, CommandRunner.Run(TestPaths.AuralisExe, Args(t.File("warm-up.wav")), env).ExitCode);
        var watch = Stopwatch.StartNew();
        Assert.Equal(0, CommandRunner.Run(TestPaths.AuralisExe, Args(t.File("reference.wav")), env).ExitCode);
        var duration = watch.Elapsed;
        var reference = TestAudio.Read(t.File("reference.wav"));
        void AssertWhole(string path)
        {
            // Samples, not bytes: the float WAV's PEAK chunk carries a time stamp.
            var got = TestAudio.Read(path);
            Assert.Equal(reference.Length, got.Length);
            for (var c = 0; c < got.Length; c++)
            {
                Assert.True(reference[c].AsSpan().SequenceEqual(got[c]), $"channel {c} differs from the uninterrupted run");
            }
        }

        var output = t.File("out.wav");
        var rng = new Random(20261123);
        var absent = 0;
        for (var i = 0; i < 25; i++)
        {
            // The first job is killed while it is certainly writing (its temporary exists); the others at random moments
            // from before start-up to after the end.
            var delay = TimeSpan.FromMilliseconds(rng.NextDouble() * duration.TotalMilliseconds * 1.5);
            File.Delete(output); // each job's outcome is its own
            var before = Directory.GetFiles(t.Path, ".out.wav.*.partial");
            var psi = new ProcessStartInfo(TestPaths.AuralisExe) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in Args(output))
            {
                psi.ArgumentList.Add(a);
            }
            psi.Environment["XDG_CACHE_HOME"] = t.File("cache");
            using var job = Process.Start(psi)!;
            job.StandardError.ReadToEndAsync();
            job.StandardOutput.ReadToEndAsync();
            if (i == 0)
            {
                var writing = Stopwatch.StartNew();
                while (Directory.GetFiles(t.Path, ".out.wav.*.partial").Length == before.Length && !job.HasExited && writing.Elapsed < TimeSpan.FromSeconds(60))
                {
                    Thread.Sleep(1);
                }
                Assert.False(job.HasExited, "the job ended before its temporary output was seen");
            }
            else
            {
                Thread.Sleep(delay);
            }
            try
            {
                job.Kill(); // SIGKILL: no handler, no cleanup runs
            }
            catch (InvalidOperationException)
            {
                // it finished first
            }
            job.WaitForExit();
            Assert.False(i == 0 && File.Exists(output), "a job killed while writing left a file under the output name");
            if (File.Exists(output))
            {
                // Whatever exists under the output name is a whole, correct file — never a part of one.
                AssertWhole(output);
            }
            else
            {
                absent++;
            }
            // Each job removes the temporaries dead jobs left for this output: at most the one just killed is left.
            Assert.True(Directory.GetFiles(t.Path, ".out.wav.*.partial").Length <= 1, "stale temporaries pile up");
        }
        Assert.True(absent > 0, "no kill landed before the output was committed");

        // A killed job leaves its hidden temporary; the next job for that output removes it.
        Assert.Equal(0, CommandRunner.Run(TestPaths.AuralisExe, Args(output), env).ExitCode);
        Assert.Empty(Directory.GetFiles(t.Path, "*.partial", SearchOption.AllDirectories));
        AssertWhole(output);
    }

    [Fact]
    public void A_live_jobs_temporary_is_never_removed()
    {
        using var t = new TempDir();
        var mine = t.File($".out.wav.{Environment.ProcessId}.{Guid.NewGuid():N}.partial");
        var dead = t.File($".out.wav.{int.MaxValue - 1}.{Guid.NewGuid():N}.partial");
        var other = t.File($".other.wav.{int.MaxValue - 1}.{Guid.NewGuid():N}.partial");
        foreach (var f in new[] { mine, dead, other })
        {
            File.WriteAllText(f, "x");
        }
        Assert.Equal(1, AudioFileWriter.RemoveStaleTemporaries(t.Path, "out.wav"));
        Assert.True(File.Exists(mine));
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(other));
    }
}
