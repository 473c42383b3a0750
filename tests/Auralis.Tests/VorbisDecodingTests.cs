using Auralis.Offline.SndFile;
using Auralis.Tests.Support;

namespace Auralis.Tests;

/// <summary>
/// Ogg Vorbis samples come from libavcodec through libauralis_decode.so (host/Auralis.Offline.Native): they must be
/// libvorbis's samples (libsndfile, called directly here, is the reference), in the file's channel order, at the same
/// frame indices — also after a seek — and a damaged file must be named, not decoded around.
/// </summary>
public class VorbisDecodingTests
{
    // Two decoders of one stream differ by float rounding in the inverse MDCT: measured ≤ 6e-7 on 41 Debian music files
    // and the files below. A sample misplaced by even one frame differs by far more on these signals.
    private const double SameSamples = 1e-5;

    public static TheoryData<string, int, int> Encoders => new()
    {
        { "libsndfile", 1, 48000 },
        { "libsndfile", 2, 44100 },
        { "ffmpeg-libvorbis", 6, 48000 },  // six channels: libavcodec reorders 5.1, the reader must give the file's order
        { "sox", 2, 96000 },               // another writer's page layout, another rate
        { "ffmpeg-libvorbis-short", 2, 22050 }, // 0.05 s: one audio page, which is also the last
    };

    [Theory]
    [MemberData(nameof(Encoders))]
    public void Ogg_vorbis_reads_as_the_samples_libvorbis_decodes(string encoder, int channels, int rate)
    {
        using var t = new TempDir();
        var path = Encode(t, encoder, channels, rate);
        var ours = AudioFileReader.ReadAll(path, out var info);
        var reference = DecodeWithLibvorbis(path);
        Assert.Equal("vorbis", info.Encoding);
        Assert.Equal(channels, ours.Length);
        Assert.Equal(reference[0].Length, ours[0].Length);
        for (var c = 0; c < channels; c++)
        {
            var diff = TestAudio.MaxAbsDiff(reference[c], ours[c]);
            Assert.True(diff <= SameSamples, $"{encoder}: channel {c} differs from libvorbis by {diff}");
            Assert.True(ours[c].Max(Math.Abs) > 0.01f, $"{encoder}: channel {c} is silent");
        }
    }

    [Theory]
    [InlineData("libsndfile", 2, 44100)]
    [InlineData("ffmpeg-libvorbis", 2, 44100)]
    public void Seeking_returns_the_samples_a_read_from_the_start_returns(string encoder, int channels, int rate)
    {
        using var t = new TempDir();
        var path = Encode(t, encoder, channels, rate);
        var whole = AudioFileReader.ReadAll(path, out var info);
        var total = whole[0].Length;
        var random = new Random(7);
        var targets = new List<long> { 0, 1, 127, 128, 4096, total / 2, total - 1000, total - 1, total };
        targets.AddRange(Enumerable.Range(0, 40).Select(_ => (long)random.Next(total)));
        using var reader = AudioFileReader.Open(path);
        var block = Enumerable.Range(0, channels).Select(_ => new float[3000]).ToArray();
        foreach (var target in targets)
        {
            reader.Seek(target);
            var n = reader.Read(block, 3000);
            Assert.Equal((int)Math.Min(3000, total - target), n);
            for (var c = 0; c < channels; c++)
            {
                // Bit for bit: the same decoder from a page boundary, placed by that page's granule position.
                Assert.True(block[c].AsSpan(0, n).SequenceEqual(whole[c].AsSpan((int)target, n)), $"{encoder}: seek to {target}, channel {c}");
            }
        }
        Assert.Equal(info.Channels, channels);
    }

    [Fact]
    public void The_web_players_original_chunks_of_an_ogg_join_into_the_file_bit_for_bit()
    {
        // Each chunk opens the file and seeks to its start (Auralis.Web.Streaming.ChunkRenderer).
        using var t = new TempDir();
        var path = Encode(t, "libsndfile", 2, 44100);
        var whole = AudioFileReader.ReadAll(path, out var info);
        var layout = Auralis.Web.Streaming.ChunkLayout.For(whole[0].Length, info.SampleRate, chunkSeconds: 0.25, prerollSeconds: 0.1);
        var joined = new[] { new List<float>(), new List<float>() };
        for (var k = 0; k < layout.Count; k++)
        {
            var chunk = Auralis.Web.Streaming.ChunkRenderer.ReadOriginal(path, layout, k);
            for (var c = 0; c < 2; c++)
            {
                joined[c].AddRange(chunk.Channels[c]);
            }
        }
        Assert.True(layout.Count >= 12, $"{layout.Count} chunks");
        for (var c = 0; c < 2; c++)
        {
            Assert.Equal(whole[c], joined[c]);
        }
    }

    [Fact]
    public void A_damaged_page_is_an_error_naming_where()
    {
        using var t = new TempDir();
        var path = Encode(t, "libsndfile", 2, 44100);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length * 2 / 3] ^= 0x5a; // inside an audio page: libsndfile still opens the file
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<AudioFileException>(() => AudioFileReader.ReadAll(path, out _));
        Assert.Equal(AudioFileErrorKind.Unreadable, e.Kind);
        Assert.Matches(@"the Ogg page at byte \d+ fails its checksum", e.Message);
    }

    private static string Encode(TempDir t, string encoder, int channels, int rate)
    {
        var seconds = encoder.EndsWith("-short", StringComparison.Ordinal) ? 0.05 : 3.0;
        var frames = (int)(seconds * rate);
        // Each channel its own tone over noise: a swapped channel or a shifted sample is far outside SameSamples.
        var signal = Enumerable.Range(0, channels)
            .Select(c => TestAudio.Sine(frames, 220 * (c + 1), rate, 0.3f).Zip(TestAudio.Noise(frames, c + 1, 0.1f), (a, b) => a + b).ToArray())
            .ToArray();
        if (encoder == "libsndfile")
        {
            return TestAudio.Write(t.File("x.ogg"), signal, rate);
        }
        // (Not FFmpeg's own experimental Vorbis encoder: its second channel decodes to noise in libvorbis and libavcodec.)
        var wav = TestAudio.Write(t.File("x.wav"), signal, rate, SampleEncoding.Float);
        var ogg = t.File("x.ogg");
        var run = encoder == "sox"
            ? CommandRunner.Run("sox", [wav, ogg])
            : CommandRunner.Run("ffmpeg", ["-nostdin", "-loglevel", "error", "-i", wav, "-c:a", "libvorbis", ogg]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return ogg;
    }

    // libsndfile's own Vorbis decoding (libvorbis), as the reader did before libavcodec.
    private static unsafe float[][] DecodeWithLibvorbis(string path)
    {
        var info = new SndFileNative.Info();
        var handle = SndFileNative.Open(path, SndFileNative.ModeRead, ref info);
        Assert.NotEqual(IntPtr.Zero, handle);
        try
        {
            var interleaved = new List<float>();
            var buffer = new float[4096 * info.Channels];
            long n;
            fixed (float* p = buffer)
            {
                while ((n = SndFileNative.ReadFramesFloat(handle, p, 4096)) > 0)
                {
                    interleaved.AddRange(buffer.AsSpan(0, (int)n * info.Channels));
                }
            }
            var frames = interleaved.Count / info.Channels;
            return Enumerable.Range(0, info.Channels)
                .Select(c => Enumerable.Range(0, frames).Select(i => interleaved[i * info.Channels + c]).ToArray()).ToArray();
        }
        finally
        {
            _ = SndFileNative.Close(handle);
        }
    }
}
