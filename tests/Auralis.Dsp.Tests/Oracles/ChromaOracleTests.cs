using System.Text.Json;
using Auralis.Dsp.Tests.Support;
using Auralis.Tests.Support;

namespace Auralis.Dsp.Tests.Oracles;

/// <summary>Chroma against the MIDI chord truth and essentia.js HPCP (rotated so index 0 = C).</summary>
public class ChromaOracleTests
{
    [Fact]
    public void Chords_are_recognised_as_well_as_by_essentia_hpcp()
    {
        using var t = new TempDir();
        var file = Analysis.Input("chords.flac");
        var frames = Analysis.Analyze(file, "chroma").GetProperty("frames");
        var times = Analysis.Doubles(frames.GetProperty("t"));
        var ours = frames.GetProperty("chroma").EnumerateArray().Select(Analysis.Doubles).ToArray();
        var hpcp = Analysis.Essentia("hpcp", Analysis.MonoWav(t, file)).GetProperty("frames").EnumerateArray()
            .Select(f => Analysis.Doubles(f.GetProperty("chroma"))).ToArray();
        Assert.Equal(ours.Length, hpcp.Length); // same frames: centred every 512 samples

        var chords = JsonDocument.Parse(File.ReadAllText(Analysis.Input("chords.truth.json"))).RootElement.GetProperty("chords").EnumerateArray()
            .Select(c => (Start: c.GetProperty("start_s").GetDouble(), End: c.GetProperty("end_s").GetDouble(),
                Classes: c.GetProperty("pitch_classes").EnumerateArray().Select(e => e.GetInt32()).ToHashSet())).ToArray();
        // A frame is right when its three strongest classes are the chord's three (judged 100 ms clear of changes).
        double Accuracy(double[][] chroma)
        {
            int right = 0, judged = 0;
            for (var i = 0; i < times.Length; i++)
            {
                var chord = chords.FirstOrDefault(c => times[i] >= c.Start + 0.1 && times[i] <= c.End - 0.1);
                if (chord.Classes is null)
                {
                    continue;
                }
                judged++;
                var top = chroma[i].Select((v, k) => (v, k)).OrderByDescending(x => x.v).Take(3).Select(x => x.k).ToHashSet();
                right += top.SetEquals(chord.Classes) ? 1 : 0;
            }
            return right / (double)judged;
        }
        var ourAccuracy = Accuracy(ours);
        var essentiaAccuracy = Accuracy(hpcp);
        File.AppendAllText(Path.Combine(TestPaths.TestArtifacts, "accuracy.tsv"), $"chroma\tchords\tframes right ours {ourAccuracy:0.000}\tessentia HPCP {essentiaAccuracy:0.000}\n");
        Assert.True(ourAccuracy >= 0.95, $"ours {ourAccuracy:0.000}");
        Assert.True(ourAccuracy >= essentiaAccuracy - 0.01, $"ours {ourAccuracy:0.000} vs essentia {essentiaAccuracy:0.000}");

        // And the profiles look alike: per chord, the cosine similarity of the mean profiles is high.
        foreach (var chord in chords)
        {
            var idx = Enumerable.Range(0, times.Length).Where(i => times[i] >= chord.Start + 0.1 && times[i] <= chord.End - 0.1).ToArray();
            var a = Enumerable.Range(0, 12).Select(k => idx.Average(i => ours[i][k])).ToArray();
            var b = Enumerable.Range(0, 12).Select(k => idx.Average(i => hpcp[i][k])).ToArray();
            var cosine = a.Zip(b, (x, y) => x * y).Sum() / Math.Sqrt(a.Sum(x => x * x) * b.Sum(y => y * y));
            Assert.True(cosine > 0.85, $"chord at {chord.Start}s: cosine {cosine:0.00} with essentia's HPCP");
        }
    }

    [Fact]
    public void An_a_major_triad_lights_a_c_sharp_and_e_with_index_0_being_c()
    {
        using var t = new TempDir();
        var sr = 44100;
        var x = new float[sr * 2];
        foreach (var f in new[] { 440.0, 554.365, 659.255 })
        {
            var s = TestAudio.Sine(x.Length, f, sr, 0.2f);
            for (var i = 0; i < x.Length; i++)
            {
                x[i] += s[i];
            }
        }
        var mean = Analysis.Doubles(Analysis.Analyze(TestAudio.Write(t.File("a.wav"), [x], sr), "chroma").GetProperty("summary").GetProperty("mean"));
        var top = mean.Select((v, k) => (v, k)).OrderByDescending(p => p.v).Take(3).Select(p => p.k).Order().ToArray();
        Assert.Equal([1, 4, 9], top); // C#, E, A
    }
}
