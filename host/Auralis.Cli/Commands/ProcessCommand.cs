using System.CommandLine;
using System.Globalization;
using Auralis.Engine.Graph;
using Auralis.Offline;
using Auralis.Offline.SndFile;
using Spectre.Console;

namespace Auralis.Cli.Commands;

/// <summary>
/// <c>auralis process IN OUT (--chain SPEC | --graph FILE) [--param NODE.NAME=VALUE]... [--block N] [--format F]</c>.
/// </summary>
public static class ProcessCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Func<ParseResult, CliHost> host)
    {
        var input = new Argument<string>("IN") { Description = "Input audio file (WAV, FLAC, OGG, MP3)" };
        var output = new Argument<string>("OUT") { Description = "Output file (.wav, .flac or .ogg); written atomically" };
        var chain = new Option<string?>("--chain") { Description = "Serial chain: ID[.PORT][,ID[.PORT]...], e.g. separator.harmonic,gain" };
        var graph = new Option<string?>("--graph") { Description = "Graph file (JSON)" };
        var parameters = new Option<string[]>("--param")
        {
            Description = "Set a parameter: NODE.PARAM=VALUE (chain nodes are named by plugin alias)",
            AllowMultipleArgumentsPerToken = false,
        };
        var block = new Option<int>("--block") { Description = "Frames per block (output does not depend on it)", DefaultValueFactory = _ => 4096 };
        var format = new Option<string>("--format") { Description = "Sample encoding: default, pcm16, pcm24, pcm32, float", DefaultValueFactory = _ => "default" };
        format.AcceptOnlyFromAmong("default", "pcm16", "pcm24", "pcm32", "float");
        var keepGoing = new Option<bool>("--keep-going") { Description = "Write the output even if a plugin fails (it is then bypassed; a warning is printed)" };
        var isolation = IsolationOption();
        var command = new Command("process", "Process an audio file through a chain or graph of plugins")
        {
            input, output, chain, graph, parameters, block, format, keepGoing, isolation,
        };
        command.SetAction(r =>
        {
            var h = host(r);
            return h.Run(() =>
            {
                var graphDef = BuildGraph(h, r.GetValue(chain), r.GetValue(graph));
                ApplyParameters(graphDef, r.GetValue(parameters) ?? []);
                using var sandbox = CliHost.CreateSandbox(r.GetValue(isolation));
                var result = WithProgress(h, "processing", progress =>
                    OfflineProcessor.Process(r.GetValue(input)!, r.GetValue(output)!, graphDef, h.Resolve, new ProcessOptions
                    {
                        BlockSize = r.GetValue(block),
                        Encoding = Enum.Parse<SampleEncoding>(r.GetValue(format)!, ignoreCase: true),
                        KeepGoingOnPluginFailure = r.GetValue(keepGoing),
                        Progress = progress,
                        PlacePlugin = sandbox.Place,
                    }));
                foreach (var warning in result.Warnings)
                {
                    h.Error.WriteLine($"auralis: warning: {warning}; its audio was passed through unprocessed");
                }
                foreach (var flag in result.Flags)
                {
                    h.Error.WriteLine($"auralis: warning: {flag}");
                }
                h.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"wrote {result.OutputPath}: {result.FramesWritten} frames, {result.OutputChannels} ch, {result.Input.SampleRate} Hz; graph latency {result.LatencySamples} samples compensated"));
                return result.Warnings.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
            });
        });
        return command;
    }

    /// <summary>The <c>--isolation</c> option: where plugin nodes run unless the graph file says otherwise.</summary>
    public static Option<string> IsolationOption()
    {
        var option = new Option<string>("--isolation")
        {
            Description = "Where plugins run: in-process, process (each node in its own sandbox process: a crash or hang bypasses the node and restarts the process) or process:GROUP (one shared sandbox process)",
            DefaultValueFactory = _ => "in-process",
        };
        option.Validators.Add(r =>
        {
            if (!Auralis.Engine.Isolation.IsolationMode.TryParse(r.GetValueOrDefault<string>(), out _))
            {
                r.AddError("--isolation must be in-process, process or process:GROUP");
            }
        });
        return option;
    }

    /// <summary>The graph from exactly one of --chain / --graph.</summary>
    public static AudioGraph BuildGraph(CliHost host, string? chain, string? graphFile)
    {
        if ((chain is null) == (graphFile is null))
        {
            throw new UsageException("give exactly one of --chain SPEC or --graph FILE");
        }
        return chain is not null ? ChainSpec.ToGraph(chain, host.Resolve) : GraphFile.Load(graphFile!);
    }

    /// <summary>Applies <c>NODE.PARAM=VALUE</c> settings to graph nodes.</summary>
    public static void ApplyParameters(AudioGraph graph, IEnumerable<string> settings)
    {
        foreach (var setting in settings)
        {
            var eq = setting.IndexOf('=');
            var dot = eq < 0 ? -1 : setting.LastIndexOf('.', eq);
            if (eq < 0 || dot <= 0 || dot == eq - 1
                || !float.TryParse(setting[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
            {
                throw new UsageException($"--param '{setting}' must look like NODE.PARAM=NUMBER, e.g. gain.gain_db=-6");
            }
            var nodeId = setting[..dot];
            var node = graph.FindNode(nodeId)
                ?? throw new GraphException(GraphErrorKind.UnknownNode,
                    $"--param '{setting}': no node '{nodeId}' (nodes: {string.Join(", ", graph.Nodes.Select(n => n.Id))})");
            node.Parameters[setting[(dot + 1)..eq]] = value;
        }
    }

    /// <summary>Runs <paramref name="work"/> with a progress bar on a terminal, plainly otherwise.</summary>
    public static T WithProgress<T>(CliHost host, string label, Func<Action<long, long>, T> work)
    {
        if (!host.ShowProgress)
        {
            return work((_, _) => { });
        }
        T result = default!;
        host.Status.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask(label, maxValue: 1);
            result = work((done, total) =>
            {
                task.MaxValue = Math.Max(1, total);
                task.Value = Math.Min(done, task.MaxValue);
            });
        });
        return result;
    }
}
