using System.CommandLine;
using Auralis.Cli.Commands;

namespace Auralis.Cli;

/// <summary>Entry point of the <c>auralis</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the command line with the given output streams (tests call this in-process).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var pluginsDir = new Option<string?>("--plugins-dir")
        {
            Description = "Plugins directory (default: AURALIS_PLUGINS, else 'plugins' next to the executable)",
            Recursive = true,
        };
        var root = new RootCommand("Auralis: a plugin-based audio processing host.");
        root.Options.Add(pluginsDir);

        // Our own --version: product, SDK and bundled plugins, not just an assembly version.
        foreach (var builtin in root.Options.OfType<VersionOption>().ToArray())
        {
            root.Options.Remove(builtin);
        }
        var version = new Option<bool>("--version") { Description = "Show the version, the SDK version and the bundled plugins" };
        root.Options.Add(version);

        CliHost Host(ParseResult r) => new(output, error, r.GetValue(pluginsDir));

        root.SetAction(r =>
        {
            if (r.GetValue(version))
            {
                return VersionCommand.Run(Host(r));
            }
            output.WriteLine("auralis: run 'auralis --help' for the commands");
            return ExitCodes.Usage;
        });
        root.Subcommands.Add(PluginsCommand.Create(Host));
        root.Subcommands.Add(DoctorCommand.Create(Host));
        root.Subcommands.Add(ProcessCommand.Create(Host));
        root.Subcommands.Add(AnalyzeCommand.Create(Host));
        root.Subcommands.Add(ValidateCommand.Create(Host));
        root.Subcommands.Add(ServeCommand.Create(Host));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
            {
                error.WriteLine($"auralis: error: {e.Message}");
            }
            error.WriteLine("run 'auralis --help' for usage");
            return ExitCodes.Usage;
        }
        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }
}
