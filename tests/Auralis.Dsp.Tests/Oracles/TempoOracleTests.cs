using System.Text.Json;
using Auralis.Dsp.Tests.Support;
using Auralis.Tests.Support;

namespace Auralis.Dsp.Tests.Oracles;

/// <summary>Tempo and beats against the MIDI truth, essentia.js RhythmExtractor2013 and aubio.</summary>
public class TempoOracleTests
{
    private const string AubioTempo = """
        import aubio, json, sys
        import numpy as np
        src = aubio.source(sys.argv[1], 0, 512); sr = src.samplerate
        t = aubio.tempo("default", 1024, 512, sr); beats = []
        while True:
            s, r = src()
            if t(s): beats.append(float(t.get_last_s()))
            if r < 512: break
        # The median beat interval (aubio's own mean drops beats: oracle notes).
        print(json.dumps({"bpm": 60 / float(np.median(np.diff(beats))) if len(beats) > 2 else 0, "beats": beats}))
        """;

    public static TheoryData<int> Tempi => [90, 100, 120, 128, 140, 174];

    [Theory]
    [MemberData(nameof(Tempi))]
    public void Band_tempo_is_within_two_percent_and_no_worse_than_the_best_reference(int bpm)
    {
        using var t = new TempDir();
        var file = Analysis.Input($"band{bpm}.flac");
        var summary = Analysis.Analyze(file, "tempo").GetProperty("summary");
        var ours = summary.GetProperty("bpm").GetDouble();
        var beats = Analysis.Doubles(summary.GetProperty("beats"));
        var mono = Analysis.MonoWav(t, file);
        var essentia = Analysis.Essentia("rhythm", mono).GetProperty("bpm").GetDouble();
        var aubio = Analysis.Python(AubioTempo, mono).GetProperty("bpm").GetDouble();
        static double Error(double x, int truth) => Math.Abs(x - truth) / truth;
        File.AppendAllText(Path.Combine(TestPaths.TestArtifacts, "accuracy.tsv"),
            $"tempo\tband{bpm}\ttruth {bpm}\tours {ours:0.00}\tessentia {essentia:0.00}\taubio {aubio:0.00}\n");

        Assert.True(Error(ours, bpm) <= 0.02, $"ours {ours:0.00} vs truth {bpm}");
        // Never worse than the best reference (0.1 % slack for rounding of the references' own outputs).
        var best = Math.Min(Error(essentia, bpm), Error(aubio, bpm));
        Assert.True(Error(ours, bpm) <= best + 0.001, $"ours {ours:0.00}, essentia {essentia:0.00}, aubio {aubio:0.00}, truth {bpm}");

        // Beats: every beat within 70 ms of a true beat (the usual beat-tracking tolerance), most true beats found.
        // The MIDI runs on past the rendered 12 s: only beats inside the file count.
        var duration = TestAudio.Read(file)[0].Length / 44100.0;
        var truth = Analysis.Doubles(JsonDocument.Parse(File.ReadAllText(Analysis.Input($"band{bpm}.truth.json"))).RootElement.GetProperty("beats_s"))
            .Where(b => b < duration).ToArray();
        var hits = beats.Count(b => truth.Any(x => Math.Abs(x - b) <= 0.07));
        Assert.True(hits >= 0.95 * beats.Length, $"{hits}/{beats.Length} beats on a true beat");
        Assert.True(beats.Length >= 0.8 * truth.Length, $"{beats.Length} beats for {truth.Length} true beats");
    }
}
