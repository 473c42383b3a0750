using System.CommandLine;
using Auralis.Cli.Run;
using Auralis.Jack;

namespace Auralis.Cli.Commands;

/// <summary>
/// <c>auralis run (--graph FILE | --chain SPEC) [--name CLIENT] [--connect] [--monitor] [--stats] [--duration SECONDS]
/// [--param NODE.PARAM=VALUE]... [--control PATH]</c>: plays a graph live as a JACK client.
/// </summary>
/// <remarks>
/// The audio runs in a child process of the same executable (hidden <c>--engine</c> option) that does nothing but JACK
/// and the graph, so that no garbage collection caused by the rest of the program (monitor, control socket, web app)
/// can stall the JACK thread. See docs/realtime.md.
/// </remarks>
public static class RunCommand
{
    /// <summary>Hidden: this process is the audio engine of a run.</summary>
    public const string EngineOption = "--engine";

    /// <summary>Hidden (diagnostics, benchmarks): allocate garbage at this many MiB/s in the background.</summary>
    public const string AllocationLoadOption = "--alloc-load";

    /// <summary>Hidden: where the allocation load runs: <c>front</c> (the run's own process) or <c>engine</c>.</summary>
    public const string AllocationLoadInOption = "--alloc-load-in";

    /// <summary>Builds the command.</summary>
    public static Command Create(Func<ParseResult, CliHost> host)
    {
        var chain = new Option<string?>("--chain") { Description = "Serial chain: ID[.PORT][,ID[.PORT]...], e.g. separator.harmonic,gain,pitch" };
        var graph = new Option<string?>("--graph") { Description = "Graph file (JSON)" };
        var name = new Option<string>("--name") { Description = "JACK client name (ports are NAME:in_1…, NAME:out_1…)", DefaultValueFactory = _ => "auralis" };
        var connect = new Option<bool>("--connect") { Description = "Connect the physical capture ports to the inputs and the outputs to the physical playback ports" };
        var monitor = new Option<bool>("--monitor") { Description = "Show the analyzers' results, parameters and DSP load live" };
        var stats = new Option<bool>("--stats") { Description = "Print the realtime counters as 'name: value' lines every second and once more at the end" };
        var duration = new Option<double?>("--duration") { Description = "End the run after this many seconds (default: run until Ctrl-C, SIGTERM or 'quit')" };
        var parameters = new Option<string[]>("--param") { Description = "Initial parameter value: NODE.PARAM=VALUE", AllowMultipleArgumentsPerToken = false };
        var control = new Option<string?>("--control") { Description = "Control socket path (default: $XDG_RUNTIME_DIR/auralis/NAME.sock)" };
        var engine = new Option<bool>(EngineOption) { Hidden = true };
        var isolation = ProcessCommand.IsolationOption();
        var allocationLoad = new Option<double>(AllocationLoadOption) { Hidden = true };
        var allocationLoadIn = new Option<string>(AllocationLoadInOption) { Hidden = true, DefaultValueFactory = _ => "front" };
        allocationLoadIn.AcceptOnlyFromAmong("front", "engine");
        var command = new Command("run", "Play a chain or graph live as a JACK client (changes from standard input or the control socket)")
        {
            chain, graph, name, connect, monitor, stats, duration, parameters, control, engine, allocationLoad, allocationLoadIn, isolation,
        };
        command.SetAction(r =>
        {
            var h = host(r);
            return h.Run(() =>
            {
                try
                {
                    var load = r.GetValue(allocationLoad);
                    var inEngine = r.GetValue(allocationLoadIn) == "engine";
                    var engineOptions = new EngineOptions(r.GetValue(name)!, r.GetValue(connect), inEngine ? load : 0, r.GetValue(isolation)!);
                    if (r.GetValue(engine))
                    {
                        return EngineMain.Run(h, engineOptions);
                    }
                    if (r.GetValue(duration) is { } seconds && !(seconds > 0))
                    {
                        throw new UsageException($"--duration must be a positive number of seconds, not {seconds}");
                    }
                    var graphDef = ProcessCommand.BuildGraph(h, r.GetValue(chain), r.GetValue(graph));
                    ProcessCommand.ApplyParameters(graphDef, r.GetValue(parameters) ?? []);
                    var settings = new RunSettings(graphDef, engineOptions, r.GetValue(control) ?? ControlSocket.DefaultPath(engineOptions.ClientName),
                        r.GetValue(monitor), r.GetValue(stats), r.GetValue(duration) is { } d ? TimeSpan.FromSeconds(d) : null, inEngine ? 0 : load);
                    return new RunSession(h, settings).Run();
                }
                catch (JackException e)
                {
                    return h.Fail(ExitCodes.RealtimeError, e.Message);
                }
            });
        });
        return command;
    }
}
