using Auralis.Engine.Graph;
using Auralis.Engine.Plugins;
using Auralis.Offline.SndFile;
using Auralis.Sdk;

namespace Auralis.Offline.Analysis;

/// <summary>Runs analyzers over a file and gathers their frame results and summaries.</summary>
public static class FileAnalyzer
{
    /// <summary>Analyzes <paramref name="inputPath"/> with each plugin in <paramref name="pluginIds"/>.</summary>
    /// <exception cref="PluginLoadException">A requested plugin is missing or broken.</exception>
    /// <exception cref="GraphException">A requested plugin is not an analyzer.</exception>
    /// <exception cref="AudioFileException">The input is not readable.</exception>
    /// <exception cref="PluginFailedException">An analyzer failed while running.</exception>
    public static AnalysisReport Analyze(string inputPath, IReadOnlyList<string> pluginIds, Func<string, LoadedPlugin> resolve,
        int blockSize = 4096, Action<long, long>? progress = null)
    {
        if (pluginIds.Count == 0)
        {
            throw new GraphException(GraphErrorKind.Unusable, "no analyzer was asked for");
        }
        var graph = new AudioGraph();
        var plugins = new List<LoadedPlugin>();
        foreach (var id in pluginIds)
        {
            var plugin = resolve(id);
            if (plugin.Descriptor.Kind != PluginKind.Analyzer)
            {
                throw new GraphException(GraphErrorKind.Unusable, $"'{id}' ({plugin.Id}) is a processor, not an analyzer; use 'auralis process'");
            }
            if (plugins.Any(p => p.Id == plugin.Id))
            {
                continue;
            }
            plugins.Add(plugin);
            var node = $"n{plugins.Count}";
            graph.AddNode(node, plugin.Id);
            graph.Connect(new PortRef(AudioGraph.InputNode, null), new PortRef(node, null));
        }

        using var reader = AudioFileReader.Open(inputPath);
        var info = reader.Info;
        var collectors = new Dictionary<string, FrameCollector>(StringComparer.Ordinal);
        using var sequence = GraphCompiler.Compile(graph, id => plugins.First(p => p.Id == id), new CompileSettings
        {
            SampleRate = info.SampleRate,
            MaxBlockSize = blockSize,
            InputChannels = info.Channels,
            ExpectedLength = info.Frames,
            RequireOutput = false,
            ResultSinks = node => collectors[node.NodeId] = new FrameCollector(node.Descriptor, node.SampleRate),
        });

        var block = new float[info.Channels][];
        for (var c = 0; c < block.Length; c++)
        {
            block[c] = new float[blockSize];
        }
        long frames = 0;
        int n;
        while ((n = reader.Read(block, blockSize)) > 0)
        {
            for (var c = 0; c < block.Length; c++)
            {
                block[c].AsSpan(0, n).CopyTo(sequence.Input(c));
            }
            sequence.Render(n);
            frames += n;
            progress?.Invoke(frames, info.Frames);
        }
        sequence.MarkInputEnd();
        for (var c = 0; c < block.Length; c++)
        {
            sequence.Input(c).Clear();
        }
        for (long left = sequence.FlushSamples; left > 0; left -= blockSize)
        {
            sequence.Render((int)Math.Min(blockSize, left));
        }

        var failures = sequence.Nodes.Select(x => x.DescribeFault()).OfType<string>().ToList();
        failures.AddRange(collectors.Values.Select(x => x.Problem).OfType<string>());
        if (failures.Count > 0)
        {
            throw new PluginFailedException(failures);
        }

        var results = new Dictionary<string, PluginAnalysis>(StringComparer.Ordinal);
        foreach (var node in sequence.Nodes)
        {
            var summary = new SummaryCollector(node.Descriptor);
            try
            {
                sequence.Summarize(node.Index, summary);
            }
            catch (Exception e)
            {
                throw new PluginFailedException([$"plugin '{node.Descriptor.Id}' failed to summarize: {e.GetType().Name}: {e.Message}"]);
            }
            results[node.Descriptor.Id] = new PluginAnalysis(node.Descriptor, summary.Values, collectors[node.Id].Series);
        }
        return new AnalysisReport(info.Path, info.SampleRate, info.Channels, frames / (double)info.SampleRate, results);
    }
}
