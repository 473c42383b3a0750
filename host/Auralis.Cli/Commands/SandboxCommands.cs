using System.CommandLine;
using Auralis.Engine.Isolation;
using Auralis.Engine.Scanning;

namespace Auralis.Cli.Commands;

/// <summary>The hidden subcommands the host starts as its own child processes (never typed by people).</summary>
public static class SandboxCommands
{
    /// <summary><c>auralis plugin-host --socket PATH</c>: runs plugins for a host that isolates them.</summary>
    public static Command CreatePluginHost()
    {
        var socket = new Option<string>("--socket") { Required = true };
        var command = new Command(SandboxChild.CommandName, "Runs plugins for a host (internal)") { socket };
        command.Hidden = true;
        command.SetAction(r => SandboxChild.Run(r.GetValue(socket)!));
        return command;
    }

    /// <summary><c>auralis plugin-scan FOLDER [--strictness N]</c>: loads and validates one plugin in this (child) process.</summary>
    public static Command CreatePluginScan(TextWriter output)
    {
        var folder = new Argument<string>("FOLDER");
        var strictness = new Option<int>("--strictness") { DefaultValueFactory = _ => 2 };
        var command = new Command(PluginScanner.CommandName, "Scans one plugin (internal)") { folder, strictness };
        command.Hidden = true;
        command.SetAction(r => PluginScanner.RunChild(r.GetValue(folder)!, r.GetValue(strictness), output));
        return command;
    }
}
