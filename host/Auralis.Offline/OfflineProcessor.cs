using Auralis.Engine.Graph;
using Auralis.Engine.Plugins;
using Auralis.Offline.SndFile;
using Auralis.Sdk;

namespace Auralis.Offline;

/// <summary>Options for processing a file.</summary>
public sealed class ProcessOptions
{
    /// <summary>Frames per render block (1..65536). Output does not depend on it.</summary>
    public int BlockSize { get; init; } = 4096;

    /// <summary>Output sample encoding.</summary>
    public SampleEncoding Encoding { get; init; } = SampleEncoding.Default;

    /// <summary>Write the output even when a plugin failed and was bypassed (a warning instead of an error).</summary>
    public bool KeepGoingOnPluginFailure { get; init; }

    /// <summary>Called now and then with (frames done, frames total).</summary>
    public Action<long, long>? Progress { get; init; }

    /// <summary>Where each node's plugin runs (e.g. <see cref="Auralis.Engine.Isolation.PluginSandbox.Place"/>); null: in-process.</summary>
    public Func<GraphNode, LoadedPlugin, LoadedPlugin>? PlacePlugin { get; init; }
}

/// <summary>What a processing job did.</summary>
/// <param name="OutputPath">The file written.</param>
/// <param name="Input">The input's facts.</param>
/// <param name="FramesWritten">Frames in the output.</param>
/// <param name="LatencySamples">Graph latency that was compensated (trimmed from the output's start).</param>
/// <param name="OutputChannels">Channels written.</param>
/// <param name="Warnings">Plugin failures tolerated with <see cref="ProcessOptions.KeepGoingOnPluginFailure"/>.</param>
/// <param name="Flags">Problems that did not stop a plugin: NaN/Inf output replaced, time budget overruns.</param>
public sealed record ProcessResult(string OutputPath, AudioFileInfo Input, long FramesWritten, int LatencySamples, int OutputChannels,
    IReadOnlyList<string> Warnings, IReadOnlyList<string> Flags);

/// <summary>A plugin failed while processing, so the output would not be what was asked for.</summary>
public sealed class PluginFailedException(IReadOnlyList<string> failures)
    : Exception(string.Join("; ", failures) + ". No output was written")
{
    /// <summary>One line per failed plugin.</summary>
    public IReadOnlyList<string> Failures { get; } = failures;
}

/// <summary>
/// The offline adapter: reads a file, runs a graph over it block by block, compensates the graph's latency (the
/// output is aligned with the input and as long as it, plus any tail) and writes the result atomically.
/// </summary>
public static class OfflineProcessor
{
    /// <summary>Processes <paramref name="inputPath"/> through <paramref name="graph"/> into <paramref name="outputPath"/>.</summary>
    /// <exception cref="AudioFileException">Input unreadable or output not writable.</exception>
    /// <exception cref="GraphException">The graph cannot process this input.</exception>
    /// <exception cref="PluginLoadException">A plugin is missing or broken.</exception>
    /// <exception cref="PluginFailedException">A plugin failed during processing; nothing was written.</exception>
    public static ProcessResult Process(string inputPath, string outputPath, AudioGraph graph, Func<string, LoadedPlugin> resolve,
        ProcessOptions? options = null)
    {
        options ??= new ProcessOptions();
        if (options.BlockSize is < 1 or > 65536)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BlockSize, "block size must be 1..65536");
        }
        var format = AudioOutputFormat.ForPath(outputPath, options.Encoding);
        if (AudioFileWriter.SameFile(inputPath, outputPath))
        {
            throw new AudioFileException(AudioFileErrorKind.WriteFailed, Path.GetFullPath(outputPath),
                "the output would overwrite the input; choose another output path");
        }
        using var reader = AudioFileReader.Open(inputPath);
        var info = reader.Info;
        using var sequence = GraphCompiler.Compile(graph, resolve, new CompileSettings
        {
            SampleRate = info.SampleRate,
            MaxBlockSize = options.BlockSize,
            InputChannels = info.Channels,
            ExpectedLength = info.Frames,
            PlacePlugin = options.PlacePlugin,
        });
        if (sequence.Nodes.All(n => n.Descriptor.Kind != PluginKind.Processor))
        {
            throw new GraphException(GraphErrorKind.Unusable,
                "the graph has no processor, so the output would equal the input; use 'auralis analyze' to analyze a file");
        }

        using var writer = AudioFileWriter.Create(outputPath, format, info.SampleRate, sequence.OutputChannelCount, mustNotBe: inputPath);
        // Output sample k corresponds to input sample k, and the file gets the input's length plus the tail.
        long lastProgress = 0;
        var counts = AlignedRender.Run(sequence, reader, skipFrames: 0, long.MaxValue, (channels, frames) => writer.Write(channels, 0, frames),
            read =>
            {
                if (options.Progress is { } progress && read - lastProgress >= info.SampleRate)
                {
                    lastProgress = read;
                    progress(read, info.Frames);
                }
            });
        options.Progress?.Invoke(counts.InputFrames, info.Frames);
        var inputFrames = counts.InputFrames;

        var failures = sequence.Nodes.Select(n => n.DescribeFault()).OfType<string>().ToList();
        if (failures.Count > 0 && !options.KeepGoingOnPluginFailure)
        {
            throw new PluginFailedException(failures);
        }
        writer.Commit();
        return new ProcessResult(writer.FinalPath, info with { Frames = inputFrames }, writer.FramesWritten, sequence.LatencySamples,
            sequence.OutputChannelCount, failures, [.. sequence.Nodes.SelectMany(n => n.DescribeFlags())]);
    }
}
