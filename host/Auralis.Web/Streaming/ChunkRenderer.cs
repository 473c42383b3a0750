using Auralis.Engine.Graph;
using Auralis.Engine.Plugins;
using Auralis.Offline;
using Auralis.Offline.SndFile;
using Auralis.Sdk;

namespace Auralis.Web.Streaming;

/// <summary>
/// How a track is cut into chunks: fixed-length pieces of the output timeline (the last one shorter), each rendered with
/// some frames of real input before it (pre-roll) so filters and envelopes have settled when the chunk begins.
/// </summary>
/// <param name="TotalFrames">Frames in the track.</param>
/// <param name="SampleRate">Samples per second.</param>
/// <param name="ChunkFrames">Frames per chunk.</param>
/// <param name="PrerollFrames">Input frames rendered and discarded before a chunk's first frame.</param>
public sealed record ChunkLayout(long TotalFrames, int SampleRate, int ChunkFrames, int PrerollFrames)
{
    /// <summary>Number of chunks.</summary>
    public int Count => (int)((TotalFrames + ChunkFrames - 1) / ChunkFrames);

    /// <summary>The first frame of chunk <paramref name="index"/>.</summary>
    public long StartOf(int index) => (long)index * ChunkFrames;

    /// <summary>Frames in chunk <paramref name="index"/> (before any tail the last chunk carries).</summary>
    public int FramesOf(int index) => (int)Math.Min(ChunkFrames, TotalFrames - StartOf(index));

    /// <summary>For a track of <paramref name="frames"/> at <paramref name="sampleRate"/> with chunks and pre-roll in seconds.</summary>
    public static ChunkLayout For(long frames, int sampleRate, double chunkSeconds, double prerollSeconds) =>
        new(frames, sampleRate, Math.Max(1, (int)Math.Round(chunkSeconds * sampleRate)), Math.Max(0, (int)Math.Round(prerollSeconds * sampleRate)));
}

/// <summary>What rendering a chunk did.</summary>
/// <param name="Channels">The audio, one array per channel, all <paramref name="Frames"/> long.</param>
/// <param name="Frames">Frames in the chunk.</param>
/// <param name="LatencySamples">The chain's latency that was compensated.</param>
/// <param name="Chain">The plugins that ran, e.g. <c>org.auralis.enhancer 1.0.0</c>; empty for the original.</param>
public sealed record RenderedAudio(float[][] Channels, int Frames, int LatencySamples, IReadOnlyList<string> Chain);

/// <summary>
/// Produces one chunk of a track: the decoded file (original) or the file run through a graph (processed). A processed
/// chunk equals the same frames of <see cref="OfflineProcessor"/>'s output (latency trimmed, tail kept at the end) up to
/// the pre-roll's settling; chunk 0 has no pre-roll to settle and equals it exactly.
/// </summary>
public static class ChunkRenderer
{
    /// <summary>Frames per render block (plugins are block-size independent; this is only a cost trade-off).</summary>
    public const int BlockSize = 4096;

    /// <summary>Reads chunk <paramref name="index"/> of the file as decoded.</summary>
    public static RenderedAudio ReadOriginal(string path, ChunkLayout layout, int index)
    {
        CheckIndex(layout, index);
        using var reader = AudioFileReader.Open(path);
        var wanted = layout.FramesOf(index);
        reader.Seek(layout.StartOf(index));
        var channels = Allocate(reader.Info.Channels, wanted);
        var block = Allocate(reader.Info.Channels, BlockSize);
        var written = 0;
        while (written < wanted)
        {
            var n = reader.Read(block, Math.Min(BlockSize, wanted - written));
            if (n == 0)
            {
                break;
            }
            for (var c = 0; c < channels.Length; c++)
            {
                block[c].AsSpan(0, n).CopyTo(channels[c].AsSpan(written));
            }
            written += n;
        }
        return new RenderedAudio(Trim(channels, written), written, 0, []);
    }

    /// <summary>Renders chunk <paramref name="index"/> of the file through <paramref name="graph"/>.</summary>
    /// <exception cref="PluginLoadException">A plugin is missing or broken (named).</exception>
    /// <exception cref="PluginFailedException">A plugin failed while rendering: nothing is returned, never its bypassed audio.</exception>
    public static RenderedAudio RenderProcessed(string path, ChunkLayout layout, int index, AudioGraph graph, Func<string, LoadedPlugin> resolve,
        Func<GraphNode, LoadedPlugin, LoadedPlugin>? placePlugin = null)
    {
        CheckIndex(layout, index);
        using var reader = AudioFileReader.Open(path);
        var info = reader.Info;
        using var sequence = GraphCompiler.Compile(graph, resolve, new CompileSettings
        {
            SampleRate = info.SampleRate,
            MaxBlockSize = BlockSize,
            InputChannels = info.Channels,
            ExpectedLength = info.Frames,
            PlacePlugin = placePlugin,
        });
        if (sequence.Nodes.All(n => n.Descriptor.Kind != PluginKind.Processor))
        {
            throw new GraphException(GraphErrorKind.Unusable, "the chain has no processor, so its output would equal the original");
        }

        var start = layout.StartOf(index);
        var preroll = (int)Math.Min(start, layout.PrerollFrames);
        var isLast = index == layout.Count - 1;
        var wanted = layout.FramesOf(index) + (isLast ? sequence.TailSamples : 0);
        reader.Seek(start - preroll);
        var output = Allocate(sequence.OutputChannelCount, wanted);
        var written = 0;
        AlignedRender.Run(sequence, reader, skipFrames: preroll, wanted, (channels, frames) =>
        {
            for (var c = 0; c < output.Length; c++)
            {
                channels[c].AsSpan(0, frames).CopyTo(output[c].AsSpan(written));
            }
            written += frames;
        });

        var failures = sequence.Nodes.Select(n => n.DescribeFault()).OfType<string>().ToList();
        if (failures.Count > 0)
        {
            throw new PluginFailedException(failures);
        }
        var chain = sequence.Nodes.Select(n => $"{n.Descriptor.Id} {n.Descriptor.Version}").ToList();
        return new RenderedAudio(Trim(output, written), written, sequence.LatencySamples, chain);
    }

    private static void CheckIndex(ChunkLayout layout, int index)
    {
        if (index < 0 || index >= layout.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"the track has chunks 0..{layout.Count - 1}");
        }
    }

    private static float[][] Allocate(int channels, int frames)
    {
        var result = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            result[c] = new float[frames];
        }
        return result;
    }

    private static float[][] Trim(float[][] channels, int frames)
    {
        if (channels.Length > 0 && channels[0].Length != frames)
        {
            for (var c = 0; c < channels.Length; c++)
            {
                Array.Resize(ref channels[c], frames);
            }
        }
        return channels;
    }
}
