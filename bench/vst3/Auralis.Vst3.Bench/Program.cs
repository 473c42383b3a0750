using System.Diagnostics;
using System.Globalization;
using Auralis.Daw.Tests.Support;
using Auralis.Engine.Graph;
using Auralis.Engine.Plugins;
using Auralis.Sdk;
using Auralis.Vst3.Abi;

namespace Auralis.Vst3.Bench;

/// <summary>
/// <c>Auralis.Vst3.Bench BUNDLE PLUGINS_DIR [BLOCK] [SECONDS]</c>: microseconds per block of Auralis Gain, stereo at
/// 48 kHz, (1) called directly, (2) through the engine's RenderSequence as <c>auralis process</c> runs it, (3) through
/// the VST3 C ABI of the bundle loaded into this process; (3) − (1) is the bridge's cost per process call. Prints
/// "name value" lines.
/// </summary>
public static unsafe class Program
{
    public static int Main(string[] args)
    {
        var bundle = Path.GetFullPath(args[0]);
        var plugins = Path.GetFullPath(args[1]);
        var block = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 4096;
        var seconds = args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 2;
        var gain = PluginCatalog.Scan(plugins).Resolve("org.auralis.gain");
        var input = new[] { Noise(block, 1), Noise(block, 2) };

        // (1) The plugin alone, as the bridge calls it.
        var plugin = gain.CreateInstance();
        plugin.Initialize(new AudioSetup(AudioLayout.Stereo, 48000, block, ProcessMode.Realtime));
        plugin.Reset();
        var outputs = new[] { new float[block], new float[block] };
        float[] parameters = [-6];
        var direct = Time(seconds, () =>
        {
            var context = new ProcessContext(block, 0, input, outputs, parameters, NullResultSink.Instance);
            plugin.Process(in context);
        });

        // (2) The engine, block by block, as `auralis process` drives it.
        var graph = ChainSpec.ToGraph("gain", _ => gain);
        graph.FindNode("gain")!.Parameters["gain_db"] = -6;
        using var sequence = GraphCompiler.Compile(graph, _ => gain, new CompileSettings { SampleRate = 48000, MaxBlockSize = block, InputChannels = 2 });
        var engine = Time(seconds, () =>
        {
            input[0].CopyTo(sequence.Input(0));
            input[1].CopyTo(sequence.Input(1));
            sequence.Render(block);
        });

        // (3) The bundle's C ABI: GetPluginFactory, createInstance, setupProcessing, process (32-bit, as DAWs do).
        var factory = VstHost.GetPluginFactory(bundle);
        if (factory == null)
        {
            Console.Error.WriteLine("Auralis.Vst3.Bench: error: the bundle's GetPluginFactory returned null");
            return 1;
        }
        void* component = null;
        for (var i = 0; i < VstHost.CountClasses(factory) && component == null; i++)
        {
            var info = VstHost.ClassInfoUnicode(factory, i);
            if (VstText.Read(info.Name, PClassInfo.NameSize) == "Auralis Gain")
            {
                VstHost.CreateInstance(factory, info.Cid, Iids.IComponent, out component);
            }
        }
        VstHost.Initialize(component);
        VstHost.QueryInterface(component, Iids.IAudioProcessor, out var processor);
        VstHost.SetupProcessing(processor, new ProcessSetup { ProcessMode = Vst.ProcessRealtime, SymbolicSampleSize = Vst.Sample32, MaxSamplesPerBlock = block, SampleRate = 48000 });
        VstHost.SetActive(component, true);
        var bridged = Time(seconds, () => VstHost.Process32(processor, input, outputs));
        var roundTrip = Time(seconds, () => VstHost.LatencySamples(processor));

        VstHost.SetActive(component, false);
        VstHost.Terminate(component);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"block {block}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"plugin-direct-us {direct:0.000}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"engine-render-us {engine:0.000}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"vst3-process-us {bridged:0.000}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"abi-round-trip-us {roundTrip:0.000}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bridge-overhead-us {bridged - direct:0.000}"));
        return 0;
    }

    // The fastest of 25 rounds, each as many calls as fit in seconds/25: microseconds per call. The fastest round is
    // the one least disturbed by whatever else the machine runs, so paths timed one after another stay comparable.
    private static double Time(double seconds, Action call)
    {
        const int rounds = 25;
        for (var i = 0; i < 200; i++)
        {
            call();
        }
        var perRound = TimeSpan.FromSeconds(seconds / rounds);
        var results = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            var calls = 0;
            var start = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(start) < perRound)
            {
                for (var i = 0; i < 16; i++)
                {
                    call();
                }
                calls += 16;
            }
            results.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds / calls);
        }
        return results.Min();
    }

    private static float[] Noise(int frames, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, frames).Select(_ => (float)(random.NextDouble() - 0.5))];
    }
}
