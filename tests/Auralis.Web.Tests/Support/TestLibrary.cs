using System.Globalization;
using Auralis.Offline.SndFile;
using Auralis.Tests.Support;

namespace Auralis.Web.Tests.Support;

/// <summary>
/// A music folder for the tests, made of real files: a quiet steady track (tagged with sox), the golden demo, and a
/// file that is not audio.
/// </summary>
public static class TestLibrary
{
    /// <summary>The quiet track: chords over pink-ish noise at a constant level, about 20 LU under the enhancer's target.</summary>
    public const string Steady = "steady.flac";

    /// <summary>The golden demo (MIDI rendered with fluidsynth).</summary>
    public const string Demo = "demo.flac";

    /// <summary>Not audio: must be listed as unreadable, never played.</summary>
    public const string Broken = "broken.wav";

    /// <summary>Title, artist and album tags of <see cref="Steady"/>.</summary>
    public static readonly (string Title, string Artist, string Album) SteadyTags = ("Steady Chords", "Auralis Tests", "Fixtures");

    /// <summary>Seconds of <see cref="Steady"/>.</summary>
    public const double SteadySeconds = 12;

    /// <summary>Creates the folder's files in <paramref name="folder"/> and returns it.</summary>
    public static string Create(string folder)
    {
        Directory.CreateDirectory(folder);
        var wav = Path.Combine(folder, ".steady.tmp.wav");
        TestAudio.Write(wav, SteadySignal(44100, SteadySeconds), 44100, SampleEncoding.Float);
        var sox = CommandRunner.Run("sox", [wav, "--comment", $"TITLE={SteadyTags.Title}", "--add-comment", $"ARTIST={SteadyTags.Artist}",
            "--add-comment", $"ALBUM={SteadyTags.Album}", "-b", "16", Path.Combine(folder, Steady)]);
        Assert.True(sox.ExitCode == 0, sox.ToString());
        File.Delete(wav);
        File.Copy(Path.Combine(TestPaths.GoldenInputs, "demo.flac"), Path.Combine(folder, Demo));
        File.WriteAllText(Path.Combine(folder, Broken), "this is not a RIFF file");
        return folder;
    }

    /// <summary>Stereo chords (A minor, then F major) over noise, steady in level; peaks near −20 dBFS.</summary>
    public static float[][] SteadySignal(int sampleRate, double seconds)
    {
        var frames = (int)(sampleRate * seconds);
        var l = TestAudio.Noise(frames, 11, 0.02f);
        var r = TestAudio.Noise(frames, 12, 0.02f);
        double[][] chords = [[220, 261.63, 329.63], [174.61, 220, 261.63]];
        for (var i = 0; i < frames; i++)
        {
            var chord = chords[(int)(i / (double)sampleRate / 2) % 2];
            var t = i / (double)sampleRate;
            var v = 0.0;
            foreach (var hz in chord)
            {
                v += 0.02 * Math.Sin(2 * Math.PI * hz * t) + 0.006 * Math.Sin(2 * Math.PI * hz * 4 * t);
            }
            l[i] += (float)v;
            r[i] += (float)(v * 0.9);
        }
        return [l, r];
    }

    /// <summary>Integrated loudness (LUFS) and true peak (dBTP) of a file, measured by ffmpeg's ebur128 filter.</summary>
    public static (double Lufs, double TruePeakDb) MeasureWithFfmpeg(string path)
    {
        var r = CommandRunner.Run("ffmpeg", ["-nostats", "-hide_banner", "-i", path, "-af", "ebur128=peak=true", "-f", "null", "-"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var summary = r.StdErr[r.StdErr.LastIndexOf("Summary:", StringComparison.Ordinal)..];
        return (Number(summary, "I:"), Number(summary, "Peak:"));

        static double Number(string text, string label)
        {
            var at = text.IndexOf(label, StringComparison.Ordinal) + label.Length;
            var token = text[at..].TrimStart().Split([' ', '\n'], 2)[0];
            return double.Parse(token, CultureInfo.InvariantCulture);
        }
    }
}
