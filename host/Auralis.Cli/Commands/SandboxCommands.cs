using System.CommandLine;
using Auralis.Engine.Isolation;

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
}
