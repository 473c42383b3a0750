using Auralis.Engine.Graph;
using Auralis.Engine.Plugins;
using Auralis.Offline.SndFile;
using Auralis.Sdk;

namespace Auralis.Fuzz;

/// <summary>
/// The fuzzed front ends. Each takes raw bytes and must either succeed or throw the front end's own named error
/// (<see cref="PluginLoadException"/>, <see cref="GraphException"/>, <see cref="AudioFileException"/>); any other
/// exception — or a native crash — is a finding. Shared by the AFL harness and the regression tests.
/// </summary>
public static class FuzzTargets
{
    /// <summary>Target name → body.</summary>
    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["manifest"] = Manifest,
        ["graph"] = Graph,
        ["audio"] = Audio,
    };

    /// <summary>plugin.json bytes through the manifest parser.</summary>
    public static void Manifest(byte[] input)
    {
        try
        {
            var manifest = PluginManifest.Parse(input, "/nonexistent/fuzz-plugin", "fuzz-plugin");
            _ = manifest.Id.Length + manifest.EntryAssembly.Length;
        }
        catch (PluginLoadException)
        {
        }
    }

    /// <summary>Graph-file bytes through the parser and, when they parse, the compiler (with in-harness plugins); the
    /// same text as a chain spec.</summary>
    public static void Graph(byte[] input)
    {
        try
        {
            var graph = GraphFile.Parse(input);
            using var sequence = GraphCompiler.Compile(graph, Resolve, new CompileSettings { SampleRate = 48000, MaxBlockSize = 16, InputChannels = 2 });
            sequence.Render(16);
        }
        catch (Exception e) when (e is GraphException or PluginLoadException)
        {
        }
        try
        {
            if (System.Text.Unicode.Utf8.IsValid(input))
            {
                ChainSpec.ToGraph(System.Text.Encoding.UTF8.GetString(input), Resolve);
            }
        }
        catch (Exception e) when (e is GraphException or PluginLoadException)
        {
        }
    }

    // In TMPDIR: ./build.sh fuzz points it into artifacts/fuzz, so a killed fuzzer leaves nothing behind elsewhere.
    private static readonly string AudioPath = Path.Combine(Path.GetTempPath(), $"auralis-fuzz-{Environment.ProcessId}.bin");
    private static readonly float[][] Channels = [new float[4096], new float[4096]];

    /// <summary>File bytes through the audio front end (libsndfile and the checks around it), read to the end.</summary>
    public static void Audio(byte[] input)
    {
        File.WriteAllBytes(AudioPath, input);
        try
        {
            using var reader = AudioFileReader.Open(AudioPath);
            var channels = reader.Info.Channels <= 2 ? Channels[..reader.Info.Channels] : [.. Enumerable.Range(0, reader.Info.Channels).Select(_ => new float[4096])];
            long total = 0;
            int n;
            while ((n = reader.Read(channels, 4096)) > 0 && total < 10_000_000)
            {
                total += n;
            }
        }
        catch (AudioFileException)
        {
        }
    }

    // Made on first use, inside the fuzzing loop: instrumented Auralis code must not run before SharpFuzz has set up
    // AFL's shared coverage map.
    private static Dictionary<string, LoadedPlugin>? _plugins;

    private static Dictionary<string, LoadedPlugin> Plugins => _plugins ??= new(StringComparer.Ordinal)
    {
        ["copy"] = LoadedPlugin.FromType<Copy>(),
        ["split"] = LoadedPlugin.FromType<Split>(),
        ["level"] = LoadedPlugin.FromType<Level>(),
    };

    private static LoadedPlugin Resolve(string id) =>
        Plugins.GetValueOrDefault(id) ?? Plugins.Values.FirstOrDefault(p => p.Id == id)
        ?? throw new PluginLoadException(new PluginError(PluginErrorKind.NotInstalled, id, "/fuzz", "not installed", "none"));

    /// <summary>A stereo/mono pass-through with one parameter.</summary>
    public sealed class Copy : IAudioPlugin
    {
        private static readonly PluginDescriptor Facts = new("org.fuzz.copy", "Copy", "fuzz", new SemanticVersion(1, 0, 0), PluginKind.Processor,
            [AudioLayout.Stereo, AudioLayout.Mono], [new ParameterInfo("gain", "Gain", -1f, 1f, 1f)]);

        public PluginDescriptor Descriptor => Facts;
        public int LatencySamples => 3;
        public int TailSamples => 0;
        public void Initialize(AudioSetup setup) { }
        public void Reset() { }
        public void Dispose() { }

        public ProcessStatus Process(in ProcessContext context)
        {
            for (var c = 0; c < context.OutputChannelCount; c++)
            {
                context.Input(c % context.InputChannelCount).CopyTo(context.Output(c));
            }
            return ProcessStatus.Normal;
        }
    }

    /// <summary>Two named outputs (a and b), so port references are exercised.</summary>
    public sealed class Split : IAudioPlugin
    {
        private static readonly PluginDescriptor Facts = new("org.fuzz.split", "Split", "fuzz", new SemanticVersion(1, 0, 0), PluginKind.Processor,
            [new AudioLayout("stereo", [new AudioPort("in", 2)], [new AudioPort("a", 2), new AudioPort("b", 2)]),
             new AudioLayout("mono", [new AudioPort("in", 1)], [new AudioPort("a", 1), new AudioPort("b", 1)])]);

        public PluginDescriptor Descriptor => Facts;
        public int LatencySamples => 0;
        public int TailSamples => 5;
        public void Initialize(AudioSetup setup) { }
        public void Reset() { }
        public void Dispose() { }

        public ProcessStatus Process(in ProcessContext context)
        {
            for (var c = 0; c < context.OutputChannelCount; c++)
            {
                context.Input(c % context.InputChannelCount).CopyTo(context.Output(c));
            }
            return ProcessStatus.Normal;
        }
    }

    /// <summary>An analyzer.</summary>
    public sealed class Level : IAudioPlugin
    {
        private static readonly PluginDescriptor Facts = new("org.fuzz.level", "Level", "fuzz", new SemanticVersion(1, 0, 0), PluginKind.Analyzer,
            [AudioLayout.StereoAnalysis, AudioLayout.MonoAnalysis], [], [new ResultInfo("peak", "Peak", ResultScope.Frame, ResultKind.Scalar)]);

        public PluginDescriptor Descriptor => Facts;
        public int LatencySamples => 0;
        public int TailSamples => 0;
        public void Initialize(AudioSetup setup) { }
        public void Reset() { }
        public void Dispose() { }
        public ProcessStatus Process(in ProcessContext context) => ProcessStatus.Normal;
    }
}
