using System.Text.Json;
using Auralis.Dsp.Tests.Support;
using Auralis.Tests.Support;

namespace Auralis.Dsp.Tests.Oracles;

/// <summary>Pitch against the MIDI truth and against aubio's YIN on the same file.</summary>
public class PitchOracleTests
{
    private const string AubioYin = """
        import aubio, json, sys
        src = aubio.source(sys.argv[1], 0, 512); sr = src.samplerate
        p = aubio.pitch("yin", 2048, 512, sr); p.set_unit("Hz"); p.set_tolerance(0.15)
        rows = []
        while True:
            s, r = src(); rows.append(float(p(s)[0]))
            if r < 512: break
        # aubio row k covers samples [k*hop + hop - win, k*hop + hop): its centre is k*hop + hop - win/2.
        print(json.dumps({"t": [(k * 512 + 512 - 1024) / sr for k in range(len(rows))], "hz": rows}))
        """;

    [Fact]
    public void Melody_pitch_matches_the_midi_truth_and_aubio_yin()
    {
        var file = Analysis.Input("melody.flac");
        var frames = Analysis.Analyze(file, "pitch").GetProperty("frames");
        var t = Analysis.Doubles(frames.GetProperty("t"));
        var hz = Analysis.Doubles(frames.GetProperty("hz"));
        var notes = JsonDocument.Parse(File.ReadAllText(Analysis.Input("melody.truth.json"))).RootElement.GetProperty("notes")
            .EnumerateArray().Select(n => (Start: n.GetProperty("start_s").GetDouble(), End: n.GetProperty("end_s").GetDouble(), Hz: n.GetProperty("hz").GetDouble())).ToArray();
        // Frames whose centre lies inside a note, 50 ms clear of its edges (attack and release are not one pitch).
        double? Truth(double at) => notes.Where(n => at >= n.Start + 0.05 && at <= n.End - 0.05).Select(n => (double?)n.Hz).FirstOrDefault();
        static bool Within50Cents(double a, double b) => a > 0 && Math.Abs(1200 * Math.Log2(a / b)) < 50;

        double Accuracy(double[] times, double[] values)
        {
            var judged = times.Select((x, i) => (Truth: Truth(x), Value: values[i])).Where(p => p.Truth is not null).ToArray();
            return judged.Count(p => Within50Cents(p.Value, p.Truth!.Value)) / (double)judged.Length;
        }

        var ours = Accuracy(t, hz);
        var aubio = Analysis.Python(AubioYin, file);
        var aubioAccuracy = Accuracy(Analysis.Doubles(aubio.GetProperty("t")), Analysis.Doubles(aubio.GetProperty("hz")));
        File.AppendAllText(Path.Combine(TestPaths.TestArtifacts, "accuracy.tsv"), $"pitch\tmelody\tRPA ours {ours:0.000}\taubio {aubioAccuracy:0.000}\n");
        // Raw pitch accuracy within 50 cents: a clean synthetic melody should be near perfect; never below aubio's.
        Assert.True(ours >= 0.97, $"raw pitch accuracy {ours:0.000}");
        Assert.True(ours >= aubioAccuracy - 0.005, $"ours {ours:0.000} vs aubio {aubioAccuracy:0.000}");

        // Frame by frame against aubio where both call the frame voiced: the same note (within 50 cents) nearly always.
        var aubioT = Analysis.Doubles(aubio.GetProperty("t"));
        var aubioHz = Analysis.Doubles(aubio.GetProperty("hz"));
        var agreed = 0;
        var both = 0;
        for (var i = 0; i < t.Length; i++)
        {
            var k = Array.FindIndex(aubioT, x => Math.Abs(x - t[i]) < 1e-6);
            if (k < 4 || hz[i] <= 0 || aubioHz[k] <= 0)
            {
                continue; // aubio's first rows are start-up junk (oracle notes)
            }
            both++;
            agreed += Within50Cents(hz[i], aubioHz[k]) ? 1 : 0;
        }
        Assert.True(both > 400, $"only {both} frames voiced in both");
        Assert.True(agreed >= 0.97 * both, $"{agreed}/{both} frames agree with aubio within 50 cents");
    }

    [Fact]
    public void Median_pitch_of_a_sine_is_its_frequency()
    {
        using var t = new TempDir();
        var path = TestAudio.Write(t.File("a.wav"), [TestAudio.Sine(44100 * 2, 220, 44100, 0.5f)], 44100);
        var summary = Analysis.Analyze(path, "pitch").GetProperty("summary");
        Assert.Equal(220, summary.GetProperty("median_hz").GetDouble(), 0.2);
        Assert.True(summary.GetProperty("voiced_fraction").GetDouble() > 0.95);
    }
}
