using Auralis.Engine.Graph;
using Auralis.Offline;
using Auralis.Offline.SndFile;
using Auralis.Tests.Support;

namespace Auralis.Tests;

/// <summary>Real files through the real libsndfile.</summary>
public class AudioFileTests
{
    [Theory]
    [InlineData("wav", SampleEncoding.Pcm16, 1.0 / 32768)]
    [InlineData("wav", SampleEncoding.Pcm24, 1.0 / 8388608)]
    [InlineData("wav", SampleEncoding.Pcm32, 1e-7)]
    [InlineData("wav", SampleEncoding.Float, 0)]
    [InlineData("flac", SampleEncoding.Pcm16, 1.0 / 32768)]
    [InlineData("flac", SampleEncoding.Pcm24, 1.0 / 8388608)]
    public void Lossless_round_trip(string ext, SampleEncoding encoding, double tolerance)
    {
        using var t = new TempDir();
        foreach (var rate in new[] { 22050, 44100, 96000 })
        {
            var signal = TestAudio.StereoMix(rate / 2, rate);
            var path = TestAudio.Write(t.File($"x{rate}.{ext}"), signal, rate, encoding);
            var back = AudioFileReader.ReadAll(path, out var info);
            Assert.Equal(rate, info.SampleRate);
            Assert.Equal(2, info.Channels);
            Assert.Equal(ext, info.Container);
            for (var c = 0; c < 2; c++)
            {
                Assert.True(TestAudio.MaxAbsDiff(signal[c], back[c]) <= tolerance, $"{ext}/{encoding}@{rate} ch{c}");
            }
        }
    }

    [Fact]
    public void Ogg_vorbis_round_trip_keeps_the_signal()
    {
        using var t = new TempDir();
        var sine = TestAudio.Sine(48000, 1000, 48000, 0.5f);
        var path = TestAudio.Write(t.File("x.ogg"), [sine]);
        var back = AudioFileReader.ReadAll(path, out var info);
        Assert.Equal("vorbis", info.Encoding);
        Assert.Equal(48000, back[0].Length);
        // Lossy: compare energy and the error of the middle, not samples.
        double err = 0, sig = 0;
        for (var i = 4800; i < 43200; i++)
        {
            err += (back[0][i] - sine[i]) * (back[0][i] - sine[i]);
            sig += sine[i] * sine[i];
        }
        Assert.True(10 * Math.Log10(sig / err) > 20, "Vorbis SNR above 20 dB on a sine");
    }

    [Fact]
    public void Mp3_made_by_ffmpeg_is_read()
    {
        using var t = new TempDir();
        var src = TestAudio.Write(t.File("src.wav"), [TestAudio.Sine(44100 * 2, 440, 44100)], 44100, SampleEncoding.Pcm16);
        var mp3 = t.File("x.mp3");
        var ff = CommandRunner.Run("ffmpeg", ["-nostdin", "-loglevel", "error", "-i", src, "-b:a", "192k", mp3]);
        Assert.Equal(0, ff.ExitCode);
        var back = AudioFileReader.ReadAll(mp3, out var info);
        Assert.Equal("mp3", info.Container);
        Assert.Equal(44100, info.SampleRate);
        Assert.InRange(back[0].Length, 88200, 88200 + 4000); // encoder padding
        var rms = Math.Sqrt(back[0].Skip(4000).Take(80000).Average(x => x * x));
        Assert.InRange(rms, 0.5 / Math.Sqrt(2) * 0.95, 0.5 / Math.Sqrt(2) * 1.05);
    }

    [Fact]
    public void Empty_file_is_a_clear_error()
    {
        using var t = new TempDir();
        File.WriteAllBytes(t.File("empty.wav"), []);
        var e = Assert.Throws<AudioFileException>(() => AudioFileReader.Open(t.File("empty.wav")));
        Assert.Equal(AudioFileErrorKind.Empty, e.Kind);
    }

    [Fact]
    public void Garbage_is_a_clear_error()
    {
        using var t = new TempDir();
        File.WriteAllText(t.File("notes.wav"), "these are not samples\n");
        var e = Assert.Throws<AudioFileException>(() => AudioFileReader.Open(t.File("notes.wav")));
        Assert.Equal(AudioFileErrorKind.Unreadable, e.Kind);
        Assert.Contains("notes.wav", e.Message);
    }

    [Fact]
    public void Truncated_wav_is_refused_not_processed_in_part()
    {
        using var t = new TempDir();
        var path = TestAudio.Write(t.File("full.wav"), [TestAudio.Noise(48000, 1)], encoding: SampleEncoding.Pcm16);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(t.File("cut.wav"), bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<AudioFileException>(() => AudioFileReader.ReadAll(t.File("cut.wav"), out _));
        Assert.Equal(AudioFileErrorKind.Truncated, e.Kind);
    }

    [Fact]
    public void Header_only_wav_has_no_frames()
    {
        using var t = new TempDir();
        var path = TestAudio.Write(t.File("full.wav"), [TestAudio.Noise(100, 1)], encoding: SampleEncoding.Pcm16);
        var bytes = File.ReadAllBytes(path);
        // Keep the header, claim zero data bytes.
        var data = System.Text.Encoding.ASCII.GetString(bytes).IndexOf("data", StringComparison.Ordinal);
        var header = bytes[..(data + 8)];
        BitConverter.GetBytes(0).CopyTo(header, data + 4);
        BitConverter.GetBytes(header.Length - 8).CopyTo(header, 4);
        File.WriteAllBytes(t.File("zero.wav"), header);
        var e = Assert.Throws<AudioFileException>(() => AudioFileReader.Open(t.File("zero.wav")));
        Assert.Equal(AudioFileErrorKind.Empty, e.Kind);
    }

    [Fact]
    public void More_than_two_channels_is_a_clear_error()
    {
        using var t = new TempDir();
        var path = TestAudio.Write(t.File("quad.wav"), [.. Enumerable.Range(0, 4).Select(i => TestAudio.Noise(1000, i))]);
        var e = Assert.Throws<GraphException>(() => OfflineProcessor.Process(path, t.File("out.wav"), ChainSpec.ToGraph("gain", GraphTests.Resolve), GraphTests.Resolve));
        Assert.Contains("4 channels", e.Message);
        Assert.False(File.Exists(t.File("out.wav")));
    }

    [Fact]
    public void Output_is_written_atomically_and_a_failed_job_leaves_nothing_behind()
    {
        using var t = new TempDir();
        var input = TestAudio.Write(t.File("in.wav"), TestAudio.StereoMix(48000 * 3, 48000));
        var output = t.File("out.wav");
        File.WriteAllText(output, "previous result");
        var graph = ChainSpec.ToGraph("org.auralis.tests.faulty", GraphTests.Resolve);
        graph.Nodes[0].Parameters["fail_after_s"] = 1.5f;
        var e = Assert.Throws<PluginFailedException>(() => OfflineProcessor.Process(input, output, graph, GraphTests.Resolve));
        Assert.Contains("org.auralis.tests.faulty", e.Message);
        Assert.Equal("previous result", File.ReadAllText(output));        // untouched
        Assert.Equal(["in.wav", "out.wav"], Directory.GetFiles(t.Path).Select(Path.GetFileName).Order()); // no temp left

        graph.Nodes[0].Parameters["fail_after_s"] = 0;
        OfflineProcessor.Process(input, output, graph, GraphTests.Resolve);
        Assert.Equal(48000 * 3, TestAudio.Read(output)[0].Length);
        Assert.Equal(["in.wav", "out.wav"], Directory.GetFiles(t.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Output_never_overwrites_the_input()
    {
        using var t = new TempDir();
        var input = TestAudio.Write(t.File("in.wav"), [TestAudio.Noise(1000, 1)]);
        var before = File.ReadAllBytes(input);
        File.CreateSymbolicLink(t.File("link.wav"), input);
        foreach (var target in new[] { input, t.File("link.wav"), t.File("./sub/../in.wav") })
        {
            var e = Assert.Throws<AudioFileException>(() => OfflineProcessor.Process(input, target, ChainSpec.ToGraph("gain", GraphTests.Resolve), GraphTests.Resolve));
            Assert.Equal(AudioFileErrorKind.WriteFailed, e.Kind);
            Assert.Contains("overwrite the input", e.Message);
        }
        Assert.Equal(before, File.ReadAllBytes(input));
    }

    [Fact]
    public void Unwritable_output_formats_are_refused_before_any_work()
    {
        Assert.Contains("MP3 is read but not written", Assert.Throws<AudioFileException>(() => AudioOutputFormat.ForPath("x.mp3")).Message);
        Assert.Contains("'.xyz'", Assert.Throws<AudioFileException>(() => AudioOutputFormat.ForPath("x.xyz")).Message);
        Assert.Throws<AudioFileException>(() => AudioOutputFormat.ForPath("x.flac", SampleEncoding.Float));
    }

    [Fact]
    public void Tags_are_read()
    {
        using var t = new TempDir();
        var src = TestAudio.Write(t.File("src.wav"), [TestAudio.Noise(4410, 1)], 44100, SampleEncoding.Pcm16);
        var tagged = t.File("tagged.flac");
        var ff = CommandRunner.Run("ffmpeg", ["-nostdin", "-loglevel", "error", "-i", src, "-metadata", "title=Test Tone", "-metadata", "artist=Auralis", tagged]);
        Assert.Equal(0, ff.ExitCode);
        using var reader = AudioFileReader.Open(tagged);
        Assert.Equal("Test Tone", reader.Info.Tags["title"]);
        Assert.Equal("Auralis", reader.Info.Tags["artist"]);
    }
}
