using System.Diagnostics;
using System.Globalization;
using Auralis.Engine.Graph;
using Auralis.Engine.Plugins;
using Auralis.Sdk;

namespace Auralis.Engine.Validation;

/// <summary>
/// Hammers a plugin the way pluginval does before users find the bugs: sample rates, block sizes, hostile inputs,
/// parameter fuzzing, state round trips, latency, tail, reset, determinism, allocation and cross-thread parameter
/// changes. Each check reports pass/fail with the reason. Thread: control; runs the plugin on the calling thread
/// (and, for the threaded check, one more).
/// </summary>
public static class PluginValidator
{
    /// <summary>Sample rates every plugin must handle.</summary>
    public static readonly int[] SampleRates = [22050, 32000, 44100, 48000, 88200, 96000, 176400, 192000];

    /// <summary>Block sizes every plugin must handle (plus a varying pattern).</summary>
    public static readonly int[] BlockSizes = [1, 2, 3, 64, 511, 512, 4096];

    private sealed record Check(string Id, string Title, int Strictness, Func<Context, string> Run);

    private sealed class Context(LoadedPlugin plugin, ValidationOptions options)
    {
        public LoadedPlugin Plugin { get; } = plugin;
        public PluginDescriptor Descriptor => Plugin.Descriptor;
        public int Strictness => options.Strictness;
        public int Seed => options.Seed;
        public bool IsProcessor => Descriptor.Kind == PluginKind.Processor;
        public AudioLayout Layout => Descriptor.Layouts[0];
        public IEnumerable<AudioLayout> Layouts => Strictness >= 7 ? Descriptor.Layouts : [Layout];
        /// <summary>Scale for run lengths: 1 up to strictness 6, growing after.</summary>
        public int Scale => Math.Max(1, Strictness - 5);

        public PluginRun Run(AudioLayout? layout = null, double rate = 48000, int maxBlock = 4096, float[]? parameters = null, long expected = -1) =>
            new(Plugin, layout ?? Layout, rate, maxBlock, parameters?.ToArray(), expected);

        public float[][] Noise(int frames, int seed, int channels = -1) => Signals.Noise(channels < 0 ? Layout.InputChannelCount : channels, frames, seed);

        public float[] RandomParameters(Random rng) =>
            Descriptor.Parameters.Select(p => p.FromNormalized(rng.NextDouble())).ToArray();
    }

    private static readonly Check[] Checks =
    [
        new("descriptor", "descriptor is usable: every layout initialises at 48 kHz", 1, DescriptorCheck),
        new("process-basic", "processes 1 s of noise at 48 kHz in 512-frame blocks", 1, c => Finite(c.Run(maxBlock: 512).Render(c.Noise(48000, c.Seed), _ => 512, -1))),
        new("results", "analyzer results match the descriptor (frame width, ordered times, declared finite summary)", 1, ResultsCheck),
        new("input-silence", "silence in: no exception, no NaN/Inf out", 2, c => Finite(c.Run().Render(Signals.Silence(c.Layout.InputChannelCount, 48000), _ => 512, -1))),
        new("input-noise", "noise in: no exception, no NaN/Inf out", 2, c => Finite(c.Run().Render(c.Noise(48000 * c.Scale, c.Seed + 1), _ => 512, -1))),
        new("input-impulse", "impulse in: no exception, no NaN/Inf out", 2, c => Finite(c.Run().Render(Signals.Impulse(c.Layout.InputChannelCount, 48000, 1000, 1f), _ => 512, -1))),
        new("sample-rates", "every sample rate 22.05–192 kHz initialises and processes", 3, SampleRatesCheck),
        new("block-sizes", "block sizes 1, 2, 3, 64, 511, 512, 4096 and varying per call", 3, BlockSizesCheck),
        new("input-nan-inf", "NaN and ±Inf in: no exception, no NaN/Inf out", 4, c => Finite(c.Run().Render(Signals.NanInf(c.Layout.InputChannelCount, 48000, c.Seed), _ => 512, -1))),
        new("input-denormal", "denormal input: no exception, no NaN/Inf out", 4, c => Finite(c.Run().Render(Signals.Denormal(c.Layout.InputChannelCount, 48000), _ => 512, -1))),
        new("parameter-extremes", "each parameter at its minimum and maximum", 4, ParameterExtremesCheck),
        new("parameter-fuzz", "random parameter values, changed every block", 5, ParameterFuzzCheck),
        new("state", "state saved, restored into a fresh instance: identical output", 5, StateCheck),
        new("latency", "reported latency matches where an impulse comes out", 5, LatencyCheck),
        new("tail", "output is silent once latency + tail have passed after the input", 5, TailCheck),
        new("reset", "Reset clears all audio history", 5, ResetCheck),
        new("determinism", "two fresh instances give identical output", 5, DeterminismCheck),
        new("allocation", "Process allocates nothing (after warm-up, parameters changing)", 5, AllocationCheck),
        new("block-size-independence", "output is identical for every block size", 6, BlockIndependenceCheck),
        new("threaded-parameters", "parameter changes from another thread while processing", 6, ThreadedParametersCheck),
        new("time-per-block", "time per 512-frame block at 48 kHz (measured, informational)", 1, TimePerBlockCheck),
    ];

    /// <summary>Runs every check up to the strictness in <paramref name="options"/>.</summary>
    public static ValidationReport Validate(LoadedPlugin plugin, ValidationOptions? options = null)
    {
        options ??= new ValidationOptions();
        if (options.Strictness is < ValidationOptions.MinStrictness or > ValidationOptions.MaxStrictness)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Strictness, "strictness is 1..10");
        }
        var context = new Context(plugin, options);
        var results = new List<CheckResult>();
        foreach (var check in Checks.Where(c => c.Strictness <= options.Strictness))
        {
            var watch = Stopwatch.StartNew();
            string detail;
            bool passed;
            try
            {
                detail = check.Run(context);
                passed = true;
            }
            catch (ValidationFailure f)
            {
                detail = f.Message;
                passed = false;
            }
            catch (Exception e)
            {
                detail = $"{e.GetType().Name}: {e.Message}" + (e.StackTrace is { } st ? $" at {st.Split('\n')[0].Trim()}" : "");
                passed = false;
            }
            results.Add(new CheckResult(check.Id, check.Title, passed, detail, watch.Elapsed.TotalMilliseconds));
        }
        return new ValidationReport(plugin.Id, plugin.Folder, options.Strictness, results);
    }

    private static string Finite(Rendering r)
    {
        if (r.WorstStatus == ProcessStatus.Error)
        {
            throw new ValidationFailure("Process returned Error");
        }
        if (r.FirstNonFinite() is { } bad)
        {
            throw new ValidationFailure(bad);
        }
        return r.Audio.Length > 0 ? $"peak {r.Audio.Max(ch => ch.Length == 0 ? 0 : ch.Max(MathF.Abs)):0.####}" : $"{r.Frames.Count} result frames";
    }

    private static string DescriptorCheck(Context c)
    {
        foreach (var layout in c.Descriptor.Layouts)
        {
            using var run = c.Run(layout);
            if (run.Instance.LatencySamples < 0 || run.Instance.TailSamples < 0)
            {
                throw new ValidationFailure($"layout {layout.Name}: negative latency or tail");
            }
            if (!ReferenceEquals(run.Instance.Descriptor, run.Instance.Descriptor))
            {
                throw new ValidationFailure("Descriptor returns a new object on every call (it must be constant)");
            }
        }
        if (c.Descriptor.Kind == PluginKind.Analyzer && c.Descriptor.Results.Count == 0)
        {
            throw new ValidationFailure("an analyzer that declares no results publishes nothing");
        }
        return $"{c.Descriptor.Layouts.Count} layouts, {c.Descriptor.Parameters.Count} parameters, {c.Descriptor.Results.Count} results";
    }

    private static string ResultsCheck(Context c)
    {
        if (c.IsProcessor && c.Descriptor.Results.Count == 0)
        {
            return "processor without results: nothing to check";
        }
        using var run = c.Run();
        var r = run.Render(c.Noise(48000 * 3, c.Seed + 2), _ => 1024, 48000);
        for (var i = 1; i < r.Frames.Count; i++)
        {
            if (r.Frames[i].Time < r.Frames[i - 1].Time)
            {
                throw new ValidationFailure($"frame {i} at sample {r.Frames[i].Time} comes before frame {i - 1} at {r.Frames[i - 1].Time}");
            }
        }
        Finite(r);
        var summary = new CheckingSummarySink(c.Descriptor);
        run.Instance.Summarize(summary);
        return $"{r.Frames.Count} frames, summary: {string.Join(", ", summary.Written)}";
    }

    private static string SampleRatesCheck(Context c)
    {
        var done = new List<string>();
        foreach (var layout in c.Layouts)
        {
            foreach (var rate in SampleRates)
            {
                using var run = c.Run(layout, rate, 512);
                try
                {
                    Finite(run.Render(c.Noise(rate / 4, c.Seed + rate, layout.InputChannelCount), _ => 512));
                }
                catch (ValidationFailure f)
                {
                    throw new ValidationFailure($"{layout.Name} at {rate} Hz: {f.Message}");
                }
                done.Add($"{rate}");
            }
        }
        return $"{done.Distinct().Count()} rates × {c.Layouts.Count()} layouts";
    }

    private static string BlockSizesCheck(Context c)
    {
        var input = c.Noise(24000 * c.Scale, c.Seed + 3);
        foreach (var size in BlockSizes)
        {
            using var run = c.Run(maxBlock: size);
            try
            {
                Finite(run.Render(input, _ => size));
            }
            catch (ValidationFailure f)
            {
                throw new ValidationFailure($"block {size}: {f.Message}");
            }
        }
        using var varying = c.Run(maxBlock: 4096);
        var rng = new Random(c.Seed);
        Finite(varying.Render(input, _ => rng.Next(1, 4097)));
        return $"{BlockSizes.Length} sizes + varying 1..4096";
    }

    private static string ParameterExtremesCheck(Context c)
    {
        if (c.Descriptor.Parameters.Count == 0)
        {
            return "no parameters";
        }
        var input = c.Noise(24000, c.Seed + 4);
        for (var p = 0; p < c.Descriptor.Parameters.Count; p++)
        {
            var info = c.Descriptor.Parameters[p];
            foreach (var value in new[] { info.Min, info.Max })
            {
                var values = c.Descriptor.Parameters.Select(x => x.Default).ToArray();
                values[p] = value;
                using var run = c.Run(parameters: values);
                try
                {
                    Finite(run.Render(input, _ => 512));
                }
                catch (ValidationFailure f)
                {
                    throw new ValidationFailure($"{info.Id} = {value}: {f.Message}");
                }
            }
        }
        return $"{c.Descriptor.Parameters.Count} parameters at min and max";
    }

    private static string ParameterFuzzCheck(Context c)
    {
        if (c.Descriptor.Parameters.Count == 0)
        {
            return "no parameters";
        }
        var rng = new Random(c.Seed + 5);
        using var run = c.Run(maxBlock: 512);
        var r = run.Render(c.Noise(96000 * c.Scale, c.Seed + 5), _ => rng.Next(16, 513), 0, (_, values) =>
        {
            for (var p = 0; p < values.Length; p++)
            {
                values[p] = c.Descriptor.Parameters[p].FromNormalized(rng.NextDouble());
            }
        });
        Finite(r);
        return $"{r.Audio.FirstOrDefault()?.Length ?? 0} frames, every parameter changed every block";
    }

    private static string StateCheck(Context c)
    {
        var rng = new Random(c.Seed + 6);
        var parameters = c.RandomParameters(rng);
        var warmUp = c.Noise(48000, c.Seed + 6);
        var test = c.Noise(48000, c.Seed + 7);

        using var a = c.Run(parameters: parameters);
        a.Render(warmUp, _ => 512);
        var saved = new PluginState(c.Descriptor.Id, c.Descriptor.StateVersion,
            c.Descriptor.Parameters.Select((p, i) => (p.Id, a.Parameters[i])).ToDictionary(x => x.Id, x => x.Item2),
            a.Instance.SaveCustomState());
        var json = saved.ToJson();
        a.Reset();
        var outA = a.Render(test, _ => 512, Math.Max(0, a.Instance.LatencySamples));

        var restored = PluginState.FromJson(json);
        using var b = c.Run(parameters: c.Descriptor.Parameters.Select(p => restored.Parameters.TryGetValue(p.Id, out var v) ? v : p.Default).ToArray());
        if (restored.Custom is { } custom)
        {
            b.Instance.LoadCustomState(custom, restored.StateVersion);
        }
        b.Reset();
        var outB = b.Render(test, _ => 512, Math.Max(0, b.Instance.LatencySamples));
        if (outA.FirstDifference(outB) is { } difference)
        {
            throw new ValidationFailure($"output after restoring the state into a fresh instance differs: {difference}");
        }
        return $"{restored.Parameters.Count} parameters{(restored.Custom is null ? "" : $" + {restored.Custom.Length} bytes of custom state")} round-tripped";
    }

    private static string LatencyCheck(Context c)
    {
        if (!c.IsProcessor)
        {
            return "analyzer: no audio output to measure";
        }
        using var run = c.Run();
        var reported = run.Instance.LatencySamples;
        const int at = 1000;
        var r = run.Render(Signals.Impulse(c.Layout.InputChannelCount, 8192 + reported, at, 0.5f), _ => 512);
        // Sum every output channel: a plugin that splits its input (e.g. harmonic + percussive) still adds up there.
        var sum = new float[r.Audio[0].Length];
        foreach (var ch in r.Audio)
        {
            for (var i = 0; i < sum.Length; i++)
            {
                sum[i] += ch[i];
            }
        }
        var peak = 0;
        for (var i = 1; i < sum.Length; i++)
        {
            if (MathF.Abs(sum[i]) > MathF.Abs(sum[peak]))
            {
                peak = i;
            }
        }
        if (sum[peak] == 0)
        {
            throw new ValidationFailure("an impulse produced no output at all");
        }
        var measured = peak - at;
        if (measured != reported)
        {
            throw new ValidationFailure($"reports {reported} samples of latency but the impulse comes out after {measured}");
        }
        return $"{reported} samples";
    }

    private static string TailCheck(Context c)
    {
        if (!c.IsProcessor)
        {
            return "analyzer: no audio output";
        }
        using var run = c.Run();
        var latency = run.Instance.LatencySamples;
        var tail = run.Instance.TailSamples;
        if (tail == int.MaxValue)
        {
            return "infinite tail declared: nothing to check";
        }
        const int noise = 24000;
        var silence = latency + tail + 4096;
        var r = run.Render(c.Noise(noise, c.Seed + 8), _ => 512, silence);
        var from = noise + latency + tail;
        var loudest = 0f;
        foreach (var ch in r.Audio)
        {
            for (var i = from; i < ch.Length; i++)
            {
                loudest = MathF.Max(loudest, MathF.Abs(ch[i]));
            }
        }
        const float silent = 1e-5f; // −100 dBFS
        if (loudest > silent)
        {
            throw new ValidationFailure($"output is still {20 * Math.Log10(loudest):0.0} dBFS after latency ({latency}) + tail ({tail}) samples of silence");
        }
        return $"silent after {latency} + {tail} samples";
    }

    private static string ResetCheck(Context c)
    {
        var probe = Signals.Impulse(c.Layout.InputChannelCount, 24000, 100, 0.8f);
        using var fresh = c.Run();
        var expected = fresh.Render(probe, _ => 512, fresh.Instance.LatencySamples);
        using var run = c.Run();
        foreach (var seed in new[] { c.Seed + 9, c.Seed + 10 })
        {
            run.Render(c.Noise(30000, seed), _ => 512);
            run.Reset();
            var got = run.Render(probe, _ => 512, run.Instance.LatencySamples);
            if (expected.FirstDifference(got) is { } difference)
            {
                throw new ValidationFailure($"after processing noise and Reset, output differs from a fresh instance's: {difference}");
            }
        }
        return "history cleared after two different pre-histories";
    }

    private static string DeterminismCheck(Context c)
    {
        var parameters = c.RandomParameters(new Random(c.Seed + 11));
        var input = c.Noise(48000 * c.Scale, c.Seed + 11);
        using var a = c.Run(parameters: parameters);
        using var b = c.Run(parameters: parameters);
        var ra = a.Render(input, _ => 512, a.Instance.LatencySamples);
        var rb = b.Render(input, _ => 512, b.Instance.LatencySamples);
        return ra.FirstDifference(rb) is { } difference ? throw new ValidationFailure(difference) : "identical to the bit";
    }

    private static string AllocationCheck(Context c)
    {
        using var run = c.Run(maxBlock: 512);
        var sink = new RecordingSink(c.Descriptor.FrameResultWidth, 100_000);
        var rng = new Random(c.Seed + 12);
        var noise = c.Noise(512, c.Seed + 12);
        void Block(int n, bool changeParameters)
        {
            for (var ch = 0; ch < c.Layout.InputChannelCount; ch++)
            {
                noise[ch].AsSpan(0, n).CopyTo(run.InputBuffer(ch));
            }
            if (changeParameters)
            {
                for (var p = 0; p < run.Parameters.Length; p++)
                {
                    run.Parameters[p] = c.Descriptor.Parameters[p].FromNormalized(rng.NextDouble());
                }
            }
            run.ProcessBlock(n, -1, sink);
        }
        for (var i = 0; i < 200; i++)
        {
            Block(i % 2 == 0 ? 512 : 37, true);
        }
        var blocks = 400 * c.Scale;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < blocks; i++)
        {
            Block(i % 3 == 0 ? 512 : (i % 3 == 1 ? 64 : 333), i % 5 == 0);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated != 0)
        {
            throw new ValidationFailure($"{allocated} bytes allocated over {blocks} Process calls ({allocated / (double)blocks:0.#} per call)");
        }
        return $"0 bytes over {blocks} calls";
    }

    private static string BlockIndependenceCheck(Context c)
    {
        var input = c.Noise(48000 * c.Scale + 77, c.Seed + 13);
        Rendering? reference = null;
        var rng = new Random(c.Seed + 13);
        foreach (var size in new[] { 4096, 1, 17, 64, 511, 512, -1 })
        {
            using var run = c.Run(maxBlock: 4096);
            var r = run.Render(input, _ => size > 0 ? size : rng.Next(1, 4097), run.Instance.LatencySamples + 4096);
            if (reference is null)
            {
                reference = r;
            }
            else if (reference.FirstDifference(r) is { } difference)
            {
                throw new ValidationFailure($"block {(size > 0 ? size.ToString(CultureInfo.InvariantCulture) : "varying")} vs 4096: {difference}");
            }
        }
        return "identical for 1, 17, 64, 511, 512, 4096 and varying blocks";
    }

    private static string ThreadedParametersCheck(Context c)
    {
        if (c.Descriptor.Parameters.Count == 0)
        {
            return "no parameters";
        }
        // The host's own path: a compiled single-node graph renders on this thread while another thread posts changes.
        var graph = new AudioGraph();
        graph.AddNode("p", c.Descriptor.Id);
        graph.Connect(new PortRef(AudioGraph.InputNode, null), new PortRef("p", null));
        if (c.IsProcessor)
        {
            graph.Connect(new PortRef("p", c.Layout.Outputs[0].Name), new PortRef(AudioGraph.OutputNode, null));
        }
        using var sequence = GraphCompiler.Compile(graph, _ => c.Plugin, new CompileSettings
        {
            SampleRate = 48000, MaxBlockSize = 64, InputChannels = c.Layout.Inputs[0].Channels, RequireOutput = c.IsProcessor, Mode = ProcessMode.Realtime,
        });
        var node = sequence.Nodes[0];
        using var stop = new CancellationTokenSource();
        var posted = 0L;
        var poster = new Thread(() =>
        {
            var rng = new Random(c.Seed + 14);
            while (!stop.IsCancellationRequested)
            {
                var p = rng.Next(c.Descriptor.Parameters.Count);
                if (sequence.PostParameter(node.Index, p, c.Descriptor.Parameters[p].FromNormalized(rng.NextDouble())))
                {
                    Interlocked.Increment(ref posted);
                }
                Thread.SpinWait(200);
            }
        }) { IsBackground = true };
        var noise = c.Noise(64, c.Seed + 14, sequence.InputChannelCount);
        poster.Start();
        try
        {
            for (var i = 0; i < 3200 * c.Scale; i++)
            {
                RenderOne();
            }
        }
        finally
        {
            stop.Cancel();
            poster.Join();
        }
        if (node.IsBypassed)
        {
            throw new ValidationFailure(node.DescribeFault()!);
        }
        return $"{Interlocked.Read(ref posted)} changes posted while rendering; no fault, finite output";

        void RenderOne()
        {
            for (var ch = 0; ch < sequence.InputChannelCount; ch++)
            {
                noise[ch].CopyTo(sequence.Input(ch));
            }
            sequence.Render(64);
            for (var ch = 0; ch < sequence.OutputChannelCount; ch++)
            {
                foreach (var x in sequence.Output(ch)[..64])
                {
                    if (!float.IsFinite(x))
                    {
                        throw new ValidationFailure("non-finite output while parameters changed from another thread");
                    }
                }
            }
        }
    }

    private static string TimePerBlockCheck(Context c)
    {
        using var run = c.Run(maxBlock: 512);
        var sink = new RecordingSink(c.Descriptor.FrameResultWidth, 100_000);
        var noise = c.Noise(512, c.Seed + 15);
        for (var ch = 0; ch < c.Layout.InputChannelCount; ch++)
        {
            noise[ch].CopyTo(run.InputBuffer(ch));
        }
        var blocks = 48000 * 5 / 512;
        var max = 0.0;
        var total = Stopwatch.StartNew();
        for (var i = 0; i < blocks; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            run.ProcessBlock(512, -1, sink);
            max = Math.Max(max, Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
            if (sink.Count > 90_000)
            {
                sink.Clear();
            }
        }
        var avg = total.Elapsed.TotalMicroseconds / blocks;
        var budget = 512 / 48000.0 * 1e6;
        return string.Create(CultureInfo.InvariantCulture, $"avg {avg:0.0} µs, max {max:0.0} µs per block ({avg / budget * 100:0.00} % of realtime, {budget / avg:0}× realtime)");
    }

    /// <summary>Checks summaries against the descriptor as they are written.</summary>
    private sealed class CheckingSummarySink(PluginDescriptor descriptor) : ISummarySink
    {
        public List<string> Written { get; } = [];

        public void Write(string resultId, double value) => Write(resultId, [value]);

        public void Write(string resultId, ReadOnlySpan<double> values)
        {
            var info = descriptor.Results.FirstOrDefault(r => r.Id == resultId && r.Scope == ResultScope.Summary)
                ?? throw new ValidationFailure($"summary '{resultId}' is not declared in the descriptor");
            if (info.Kind != ResultKind.Series && values.Length != info.Length)
            {
                throw new ValidationFailure($"summary '{resultId}' has {values.Length} values; the descriptor declares {info.Length}");
            }
            foreach (var v in values)
            {
                if (!double.IsFinite(v))
                {
                    throw new ValidationFailure($"summary '{resultId}' contains {v}");
                }
            }
            Written.Add(resultId);
        }
    }
}
