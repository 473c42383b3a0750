using System.Diagnostics;
using System.Globalization;
using Auralis.Engine.Graph;
using Auralis.Engine.Isolation;
using Auralis.Engine.Plugins;
using Auralis.Sdk;

// What running a plugin in a sandbox process costs, against the same plugin in-process, measured in one run:
// per-block time at 64 and 256 frames (48 kHz), the latency it adds (impulse position), and how long the child takes
// to come back after each kind of crash. Usage: SandboxBench REPO_ROOT [SECONDS_PER_CASE]
var root = args.Length > 0 ? args[0] : Directory.GetCurrentDirectory();
var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var app = PluginCatalog.Scan(Path.Combine(root, "artifacts", "app", "plugins"));
var fixtures = PluginCatalog.Scan(Path.Combine(root, "artifacts", "test-plugins"));
LoadedPlugin Resolve(string id) => app.Records.Any(r => r.Id == id || r.Alias == id) ? app.Resolve(id) : fixtures.Resolve(id);
var options = new SandboxOptions { ExecutablePath = Path.Combine(root, "artifacts", "app", "auralis"), DefaultMode = IsolationMode.OwnProcess };
const double Rate = 48000;

AudioGraph Graph(string plugin, string? isolation = null, string parameters = "")
{
    var json = $$"""{"nodes":[{"id":"n","plugin":"{{plugin}}"{{(isolation is null ? "" : $",\"isolation\":\"{isolation}\"")}}{{parameters}}}],"connections":[{"from":"input","to":"n"},{"from":"n","to":"output"}]}""";
    return GraphFile.Parse(System.Text.Encoding.UTF8.GetBytes(json));
}

RenderSequence Compile(AudioGraph g, int block, PluginSandbox? sandbox, ProcessMode mode = ProcessMode.Realtime) =>
    GraphCompiler.Compile(g, Resolve, new CompileSettings { SampleRate = Rate, MaxBlockSize = block, InputChannels = 2, Mode = mode, PlacePlugin = sandbox is null ? null : sandbox.Place });

(double Mean, double P50, double P99, double Max, int Late) Measure(RenderSequence seq, int block)
{
    var noise = new Random(1);
    for (var c = 0; c < 2; c++)
    {
        var input = seq.Input(c);
        for (var i = 0; i < block; i++)
        {
            input[i] = (float)(noise.NextDouble() - 0.5);
        }
    }
    for (var i = 0; i < 2000; i++)
    {
        seq.Render(block); // warm-up: JIT, tiering, the child's first blocks
    }
    var blocks = (int)(seconds * Rate / block);
    var times = new double[blocks];
    for (var i = 0; i < blocks; i++)
    {
        var t0 = Stopwatch.GetTimestamp();
        seq.Render(block);
        times[i] = (Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency;
    }
    Array.Sort(times);
    var late = seq.Nodes[0].Instance is ISandboxedInstance s ? s.LateBlocks : 0;
    return (times.Average(), times[blocks / 2], times[(int)(blocks * 0.99)], times[^1], late);
}

int ImpulseAt(RenderSequence seq, int block)
{
    seq.Reset();
    for (var n = 0; n < 64; n++)
    {
        for (var c = 0; c < 2; c++)
        {
            seq.Input(c).Clear();
            if (n == 0)
            {
                seq.Input(c)[0] = 1f;
            }
        }
        seq.Render(block);
        var output = seq.Output(0)[..block];
        for (var i = 0; i < block; i++)
        {
            if (output[i] != 0)
            {
                return n * block + i;
            }
        }
    }
    return -1;
}

Console.WriteLine($"# sandbox overhead, {seconds} s of audio per case, 48 kHz stereo, plugin: gain (org.auralis.gain) and delay-long (100 samples latency)");
Console.WriteLine("plugin\tblock\tplacement\tmean_us\tp50_us\tp99_us\tmax_us\tlate_blocks\tlatency_reported\timpulse_at\tblock_budget_us");
foreach (var plugin in new[] { "gain", "org.auralis.tests.delay-long" })
{
    foreach (var block in new[] { 64, 256 })
    {
        foreach (var isolated in new[] { false, true })
        {
            using var sandbox = isolated ? new PluginSandbox(options) : null;
            using var seq = Compile(Graph(plugin), block, sandbox);
            var m = Measure(seq, block);
            var at = ImpulseAt(seq, block);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{plugin}\t{block}\t{(isolated ? "sandbox" : "in-process")}\t{m.Mean:0.0}\t{m.P50:0.0}\t{m.P99:0.0}\t{m.Max:0.0}\t{m.Late}\t{seq.LatencySamples}\t{at}\t{block / Rate * 1e6:0}"));
        }
    }
}

Console.WriteLine();
Console.WriteLine("# faults injected into a sandboxed node (crasher fixture, offline render, 256-frame blocks)");
Console.WriteLine("fault\thost_alive\tnode_bypassed_frames\trestarts\trestart_ms\tprocessing_again\treport");
foreach (var (fault, name) in new[] { (3, "segfault"), (4, "stack overflow"), (5, "Environment.FailFast"), (6, "hang (watchdog 2 s)"), (1, "exception") })
{
    using var sandbox = new PluginSandbox(options);
    using var seq = Compile(Graph("org.auralis.tests.crasher", "process", $",\"parameters\":{{\"fault\":{fault},\"at_s\":0.5}}"), 256, sandbox, ProcessMode.Offline);
    var input = new float[256];
    new Random(2).NextSingle();
    for (var i = 0; i < input.Length; i++)
    {
        input[i] = 0.25f;
    }
    var invertedAtEnd = false;
    for (var n = 0; n < 48000 / 256 * 2; n++)
    {
        input.CopyTo(seq.Input(0));
        input.CopyTo(seq.Input(1));
        seq.Render(256);
        invertedAtEnd = seq.Output(0)[0] == -0.25f;
    }
    var proxy = (ISandboxedInstance)seq.Nodes[0].Instance;
    var child = sandbox.Processes.Single();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name}\tyes\t{proxy.BypassedFrames}\t{child.Restarts}\t{(child.RestartTimes.Count > 0 ? child.RestartTimes[0].TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) : "-")}\t{(invertedAtEnd ? "yes" : "no (bypassed for the run)")}\t{seq.Nodes[0].DescribeFault()}"));
}
