using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Auralis.Cli.Run;
using Auralis.Engine.Realtime;
using Auralis.Jack;
using Auralis.Realtime.Tests.Support;
using Auralis.Tests.Support;

namespace Auralis.Bench.Realtime;

/// <summary>
/// The realtime benchmark: for each period size, a private jackd (dummy driver, 48 kHz) and, one after another, the
/// peers (Debian's native jack_thru and a minimal managed pass-through client) and <c>auralis run</c> with the chain,
/// each with and without a background thread allocating garbage. An observer client (activated, no process callback:
/// nothing of it runs in managed code on JACK's thread) counts the server's xruns and samples its DSP load.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var options = BenchOptions.Parse(args);
        var chain = options.Chain ?? TestPlugins.ChainOf(TestPlugins.BuiltIns(), TestPaths.PluginsDir);
        Console.Error.WriteLine($"realtime benchmark: chain {chain}; periods {string.Join(", ", options.Periods)}; {options.Seconds} s per run; " +
                                $"background load {options.AllocationMegabytesPerSecond} MiB/s; load average now {File.ReadAllText("/proc/loadavg").Trim()}");
        var rows = new List<Row>();
        foreach (var period in options.Periods)
        {
            using var server = new JackServer(period);
            using var observer = Observer.Open(server);
            foreach (var scenario in Scenarios(options, chain))
            {
                Console.Error.WriteLine($"  {period} frames: {scenario.Client}, {scenario.Load} …");
                var row = scenario.Run(server, observer, period, options);
                Console.Error.WriteLine($"    {row.Summary()}");
                rows.Add(row);
            }
        }
        var report = Report.Markdown(rows, chain, options);
        var target = Path.Combine(TestPaths.RepoRoot, "artifacts", "bench", "realtime-results.md");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllText(target, report);
        Console.WriteLine(report);
        Console.Error.WriteLine($"wrote {target}");
        return 0;
    }

    private static IEnumerable<Scenario> Scenarios(BenchOptions o, string chain)
    {
        var load = $"{o.AllocationMegabytesPerSecond} MiB/s";
        var all = new (string Key, Func<Scenario> Make)[]
        {
            ("thru", () => new NativePeer()),
            ("thru-busy", () => new BusyCore(new NativePeer())),
            ("peer", () => new ManagedPeer(0, "none")),
            ("peer-alloc", () => new ManagedPeer(o.AllocationMegabytesPerSecond, $"{load} in its process")),
            ("auralis", () => new AuralisScenario(chain, [], "none")),
            ("auralis-alloc", () => new AuralisScenario(chain, ["--alloc-load", $"{o.AllocationMegabytesPerSecond}"], $"{load} in the run's process")),
            ("auralis-alloc-engine", () => new AuralisScenario(chain, ["--alloc-load", $"{o.AllocationMegabytesPerSecond}", "--alloc-load-in", "engine"],
                $"{load} in the engine process")),
            ("auralis-busy", () => new BusyCore(new AuralisScenario(chain, [], ""))),
            ("auralis-changes", () => new AuralisScenario(chain, [], "none; 10 parameter changes/s, a graph swap every 5 s", liveChanges: true)),
        };
        return all.Where(s => o.Scenarios is null || o.Scenarios.Contains(s.Key)).Select(s => s.Make());
    }
}

/// <summary>Command-line options.</summary>
public sealed record BenchOptions(int Seconds, int[] Periods, string? Chain, double AllocationMegabytesPerSecond, string[]? Scenarios)
{
    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions(60, [64, 128, 256], null, 200, null);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            o = args[i] switch
            {
                "--seconds" => o with { Seconds = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--periods" => o with { Periods = args[i + 1].Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray() },
                "--chain" => o with { Chain = args[i + 1] },
                "--alloc-mbps" => o with { AllocationMegabytesPerSecond = double.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--scenarios" => o with { Scenarios = args[i + 1].Split(',') },
                _ => throw new ArgumentException(
                    $"unknown option {args[i]} (--seconds N --periods 64,128,256 --chain SPEC --alloc-mbps N " +
                    "--scenarios thru,thru-busy,peer,peer-alloc,auralis,auralis-alloc,auralis-alloc-engine,auralis-busy,auralis-changes)"),
            };
        }
        return o;
    }
}

/// <summary>One measured run.</summary>
public sealed record Row(int Period, string Client, string Load, long Xruns, long XrunsAfterFirstSecond, (int ClientLate, int TimerLate) Reports, double? GapPeriods, double? GapMicroseconds,
    double? CallbackAverage, double? CallbackMax, double? DspLoad, double? DspLoadMax, double ServerLoadAverage, double ServerLoadMax,
    string EngineCollections, IReadOnlyList<KeyValuePair<string, double>> NodeLoads, string Notes)
{
    public string Summary() =>
        $"xruns {Xruns} ({XrunsAfterFirstSecond} after 1 s; client late {Reports.ClientLate}, timer late {Reports.TimerLate}), largest gap {Format(GapPeriods)} periods, DSP {Format(DspLoad)}%, server DSP {Format(ServerLoadAverage)}% {Notes}";

    public static string Format(double? value) => value is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) : "–";
}

/// <summary>
/// Counts xruns (with their times) and samples the server's DSP load; it has no process callback, so JACK's realtime
/// thread never runs managed code for it and the benchmark's own allocations cannot make it late.
/// </summary>
public sealed class Observer : IJackClientHandler, IDisposable
{
    private readonly List<long> _xruns = [];
    private JackClient _client = null!;

    public static Observer Open(JackServer server)
    {
        var observer = new Observer();
        observer._client = JackClient.Open("bench-observer", server.Name);
        observer._client.SetHandler(observer, process: false);
        observer._client.Activate();
        return observer;
    }

    public JackClient Client => _client;

    /// <summary>Xruns since <paramref name="start"/> (Stopwatch ticks), and those after its first second.</summary>
    public (long All, long AfterFirstSecond) XrunsSince(long start)
    {
        lock (_xruns)
        {
            return (_xruns.Count(t => t >= start), _xruns.Count(t => t >= start + Stopwatch.Frequency));
        }
    }

    /// <summary>Samples the server's DSP load every 250 ms until <paramref name="end"/>; returns average and max after the first second.</summary>
    public (double Average, double Max) SampleLoadUntil(Func<bool> end, long start)
    {
        var samples = new List<double>();
        while (!end())
        {
            Thread.Sleep(250);
            if (Stopwatch.GetTimestamp() - start > Stopwatch.Frequency)
            {
                samples.Add(_client.CpuLoad);
            }
        }
        return samples.Count == 0 ? (0, 0) : (samples.Average(), samples.Max());
    }

    public void Process(uint frames)
    {
    }

    public void Xrun()
    {
        lock (_xruns)
        {
            _xruns.Add(Stopwatch.GetTimestamp());
        }
    }

    public void Latency(JackLatencyMode mode)
    {
    }

    public void Shutdown(string reason) => Console.Error.WriteLine($"the benchmark's JACK server shut down: {reason}");

    public void Dispose() => _client.Dispose();
}

/// <summary>A client under measurement.</summary>
public abstract class Scenario(string client, string load)
{
    public string Client { get; } = client;
    public string Load { get; } = load;

    public abstract Row Run(JackServer server, Observer observer, int period, BenchOptions options);

    protected static void ConnectSystem(JackClient client, string name)
    {
        var capture = client.FindPorts(physical: true, outputs: true);
        var playback = client.FindPorts(physical: true, outputs: false);
        for (var c = 0; c < 2; c++)
        {
            client.Connect(capture[c], $"{name}:in_{c + 1}");
            client.Connect($"{name}:out_{c + 1}", playback[c]);
        }
    }
}

/// <summary>
/// The control for the allocation load: another scenario while a thread of this (benchmark) process keeps one core
/// busy without allocating. On a small machine a busy core delays every realtime client, native ones included; this
/// row separates that from what garbage collections do.
/// </summary>
public sealed class BusyCore(Scenario inner) : Scenario(inner.Client, "none; one core kept busy (no allocation) by another process")
{
    public override Row Run(JackServer server, Observer observer, int period, BenchOptions options)
    {
        var stop = false;
        var spinner = new Thread(() =>
        {
            var x = 0UL;
            while (!Volatile.Read(ref stop))
            {
                x = x * 6364136223846793005UL + 1442695040888963407UL;
            }
            GC.KeepAlive(x);
        }) { IsBackground = true, Name = "busy-core" };
        spinner.Start();
        try
        {
            return inner.Run(server, observer, period, options) with { Load = Load };
        }
        finally
        {
            Volatile.Write(ref stop, true);
            spinner.Join();
        }
    }
}

/// <summary>Debian's own pass-through example client (C): the floor. Only the server's view (xruns, DSP load) exists for it.</summary>
public sealed class NativePeer() : Scenario("jack_thru (C, Debian jackd2)", "none")
{
    public override Row Run(JackServer server, Observer observer, int period, BenchOptions options)
    {
        var psi = new ProcessStartInfo("jack_thru") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("bench-thru");
        psi.ArgumentList.Add(server.Name);
        psi.Environment["JACK_NO_START_SERVER"] = "1";
        using var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        while (observer.Client.FindPorts(physical: false, outputs: true, "bench-thru:").Count == 0)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"jack_thru exited with {process.ExitCode}");
            }
            Thread.Sleep(20);
        }
        var start = Stopwatch.GetTimestamp();
        var (average, max) = observer.SampleLoadUntil(() => Stopwatch.GetElapsedTime(start).TotalSeconds >= options.Seconds, start);
        var (xruns, after) = observer.XrunsSince(start);
        process.Kill();
        process.WaitForExit();
        return new Row(period, Client, Load, xruns, after, server.XrunReports("bench-thru", start), null, null, null, null, null, null, average, max, "–", [], "");
    }
}

/// <summary>
/// A minimal managed pass-through client in this process, timed like auralis: the callback copies input to output and
/// records its start and end. With the allocation load it shows what a garbage collection does to a JACK client whose
/// own process allocates.
/// </summary>
public sealed class ManagedPeer(double megabytesPerSecond, string load) : Scenario("managed pass-through (C#, one process)", load), IJackClientHandler
{
    private readonly SpscQueue<CallbackTiming> _timings = new(1 << 16);
    private JackPort[] _in = [];
    private JackPort[] _out = [];

    public override Row Run(JackServer server, Observer observer, int period, BenchOptions options)
    {
        using var client = JackClient.Open("bench-peer", server.Name);
        _in = [client.RegisterAudioPort("in_1", true), client.RegisterAudioPort("in_2", true)];
        _out = [client.RegisterAudioPort("out_1", false), client.RegisterAudioPort("out_2", false)];
        client.SetHandler(this);
        client.Activate();
        ConnectSystem(client, "bench-peer");
        var start = Stopwatch.GetTimestamp();
        using var allocation = megabytesPerSecond > 0 ? AllocationLoad.Start(megabytesPerSecond) : null;
        var statistics = new CallbackStatistics(JackServer.SampleRate);
        var gcBefore = GC.CollectionCount(0);
        var (average, max) = observer.SampleLoadUntil(() =>
        {
            while (_timings.TryDequeue(out var t))
            {
                statistics.Add(t);
            }
            return Stopwatch.GetElapsedTime(start).TotalSeconds >= options.Seconds;
        }, start);
        var collections = GC.CollectionCount(0) - gcBefore;
        var (xruns, after) = observer.XrunsSince(start);
        client.Close(TimeSpan.FromSeconds(5));
        return new Row(period, Client, Load, xruns, after, server.XrunReports("bench-peer", start), statistics.LargestGapAfterWarmUpPeriods, statistics.LargestGapAfterWarmUpMicroseconds,
            statistics.AverageCallbackMicroseconds, statistics.MaxCallbackAfterWarmUpMicroseconds, statistics.DspLoadPercent, statistics.MaxWindowDspLoadPercent,
            average, max, $"{collections} (its process)", [], "");
    }

    public void Process(uint frames)
    {
        var start = Stopwatch.GetTimestamp();
        for (var c = 0; c < _in.Length; c++)
        {
            _in[c].Buffer(frames).CopyTo(_out[c].Buffer(frames));
        }
        _timings.TryEnqueue(new CallbackTiming(start, Stopwatch.GetTimestamp(), (int)frames));
    }

    public void Xrun()
    {
    }

    public void Latency(JackLatencyMode mode)
    {
    }

    public void Shutdown(string reason)
    {
    }
}

/// <summary><c>auralis run</c> with the chain, its statistics read from <c>--stats</c>.</summary>
public sealed class AuralisScenario(string chain, string[] extra, string load, bool liveChanges = false) : Scenario("auralis run", load)
{
    public override Row Run(JackServer server, Observer observer, int period, BenchOptions options)
    {
        var control = Path.Combine(Path.GetTempPath(), $"auralis-bench-{Environment.ProcessId}.sock");
        var psi = new ProcessStartInfo(TestPaths.AuralisExe) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { "run", "--chain", chain, "--name", "bench-auralis", "--connect", "--stats", "--duration", $"{options.Seconds}", "--control", control }.Concat(extra))
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (k, v) in server.Environment)
        {
            psi.Environment[k] = v;
        }
        using var process = Process.Start(psi)!;
        var stdout = new List<string>();
        var ready = new ManualResetEventSlim();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stdout)
                {
                    stdout.Add(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
            if (e.Data.Contains("control socket", StringComparison.Ordinal))
            {
                ready.Set();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!ready.Wait(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"auralis run did not start:\n{stderr}");
        }
        var start = Stopwatch.GetTimestamp();
        var changes = liveChanges ? new Thread(() => MakeChanges(control, chain, () => process.HasExited)) { IsBackground = true } : null;
        changes?.Start();
        var (average, max) = observer.SampleLoadUntil(() => process.HasExited, start);
        process.WaitForExit();
        changes?.Join();
        var (xruns, _) = observer.XrunsSince(start);
        var blocks = StatsBlocks(stdout);
        if (process.ExitCode != 0 || blocks.Count == 0)
        {
            throw new InvalidOperationException($"auralis run failed (exit {process.ExitCode}):\n{stderr}");
        }
        var first = blocks[0];
        var last = blocks[^1];
        double S(string name) => double.Parse(last[name], CultureInfo.InvariantCulture);
        var nodeLoads = last.Where(p => p.Key.StartsWith("dsp_load_percent.", StringComparison.Ordinal))
            .Select(p => new KeyValuePair<string, double>(p.Key["dsp_load_percent.".Length..], double.Parse(p.Value, CultureInfo.InvariantCulture))).ToList();
        var steadyAllocation = S("engine_allocated_bytes") - double.Parse(first["engine_allocated_bytes"], CultureInfo.InvariantCulture);
        var notes = $"audio-thread allocations {S("audio_thread_allocated_bytes")} B; engine allocations after 1 s {steadyAllocation} B; server xruns {xruns}" +
                    (liveChanges ? $"; swaps {S("swaps")}" : "");
        return new Row(period, Client, Load, (long)S("xruns"), (long)S("xruns_after_first_second"), server.XrunReports("bench-auralis", start),
            S("largest_gap_after_first_second_periods"),
            S("largest_gap_after_first_second_us"), S("callback_avg_us"), S("callback_max_after_first_second_us"), S("dsp_load_percent"), S("dsp_load_max_percent"),
            average, max, S("engine_gc_collections").ToString(CultureInfo.InvariantCulture), nodeLoads, notes);
    }

    private static List<Dictionary<string, string>> StatsBlocks(List<string> lines)
    {
        var blocks = new List<Dictionary<string, string>>();
        Dictionary<string, string>? block = null;
        lock (lines)
        {
            foreach (var line in lines)
            {
                var colon = line.IndexOf(": ", StringComparison.Ordinal);
                if (colon <= 0)
                {
                    block = null;
                    continue;
                }
                if (block is null)
                {
                    blocks.Add(block = []);
                }
                block[line[..colon]] = line[(colon + 2)..];
            }
        }
        return blocks;
    }

    // Ten parameter changes a second through the control socket (every parameter of every node in turn, across its
    // range) and the whole chain compiled and swapped in every five seconds.
    private static void MakeChanges(string control, string chain, Func<bool> ended)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(control));
        using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream);
        using var writer = new StreamWriter(stream) { AutoFlush = true };
        string Ask(string command)
        {
            writer.WriteLine(command);
            var answer = reader.ReadLine() ?? "";
            if (answer.Length > 0 && !answer.StartsWith("ok", StringComparison.Ordinal)) // empty: the run just ended
            {
                Console.Error.WriteLine($"    '{command}': {answer}");
            }
            return answer;
        }
        var info = JsonDocument.Parse(Ask("info")[3..]).RootElement;
        var parameters = info.GetProperty("nodes").EnumerateArray().SelectMany(n => n.GetProperty("parameters").EnumerateArray()
            .Select(p => (Name: $"{n.GetProperty("id").GetString()}.{p.GetProperty("id").GetString()}", Min: p.GetProperty("min").GetDouble(), Max: p.GetProperty("max").GetDouble())))
            .ToList();
        var watch = Stopwatch.StartNew();
        var step = 0;
        var swaps = 0;
        try
        {
            while (!ended())
            {
                Thread.Sleep(100);
                if (parameters.Count > 0)
                {
                    var (name, min, max) = parameters[step % parameters.Count];
                    var value = min + (max - min) * (0.25 + 0.5 * ((step / parameters.Count) % 2));
                    Ask($"set {name} {value.ToString(CultureInfo.InvariantCulture)}");
                    step++;
                }
                if (watch.Elapsed.TotalSeconds >= 5 * (swaps + 1))
                {
                    Ask($"chain {chain}");
                    swaps++;
                }
            }
        }
        catch (IOException)
        {
            // the run ended
        }
    }
}

/// <summary>The results as the table in docs/realtime.md.</summary>
public static class Report
{
    public static string Markdown(IReadOnlyList<Row> rows, string chain, BenchOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Chain `{chain}`, 48 kHz, {options.Seconds} s per run, background load {options.AllocationMegabytesPerSecond} MiB/s " +
            $"(objects of 64 B–16 KB, one in eight kept alive a while). Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores, " +
            $"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end.");
        text.AppendLine();
        text.AppendLine("| period | client | background allocation | xruns | xruns after 1st s | server log: client late / timer late | largest gap after 1st s (periods / µs) | callback avg / max after 1st s (µs) | DSP load avg / max (%) | server DSP load avg / max (%) | GCs in the audio process | target |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Period} | {r.Client} | {r.Load} | {r.Xruns} | {r.XrunsAfterFirstSecond} | {r.Reports.ClientLate} / {r.Reports.TimerLate} | {Row.Format(r.GapPeriods)} / {Row.Format(r.GapMicroseconds)} | " +
                $"{Row.Format(r.CallbackAverage)} / {Row.Format(r.CallbackMax)} | {Row.Format(r.DspLoad)} / {Row.Format(r.DspLoadMax)} | " +
                $"{Row.Format(r.ServerLoadAverage)} / {Row.Format(r.ServerLoadMax)} | {r.EngineCollections} | {Target(r)} |");
        }
        text.AppendLine();
        text.AppendLine("DSP load per plugin (auralis runs; percent of real time spent in each node's Process):");
        text.AppendLine();
        var nodes = rows.SelectMany(r => r.NodeLoads.Select(n => n.Key)).Distinct().ToList();
        text.AppendLine($"| period | background allocation | {string.Join(" | ", nodes)} |");
        text.AppendLine($"|---|---|{string.Concat(nodes.Select(_ => "---|"))}");
        foreach (var r in rows.Where(r => r.NodeLoads.Count > 0))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Period} | {r.Load} | {string.Join(" | ", nodes.Select(n => Row.Format(r.NodeLoads.FirstOrDefault(x => x.Key == n).Value)))} |");
        }
        text.AppendLine();
        foreach (var r in rows.Where(r => r.Notes.Length > 0))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {r.Period} frames, {r.Client}, {r.Load}: {r.Notes}");
        }
        return text.ToString();
    }

    // At 64 frames: no xrun after the first second and the largest gap within 2 periods; at 128 and 256: no xrun at all.
    private static string Target(Row r)
    {
        if (r.GapPeriods is null && r.Period == 64)
        {
            return r.XrunsAfterFirstSecond == 0 ? "met (xruns)" : "missed";
        }
        var met = r.Period <= 64 ? r.XrunsAfterFirstSecond == 0 && r.GapPeriods <= 2 : r.Xruns == 0;
        return met ? "met" : "missed";
    }
}
