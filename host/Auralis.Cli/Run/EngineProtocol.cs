using System.Text.Json.Nodes;
using Auralis.Engine.Graph;

namespace Auralis.Cli.Run;

/// <summary>
/// The line protocol between <c>auralis run</c> and its audio engine process (stdin/stdout of the engine, UTF-8, one
/// message per line). Internal: people and the web app use the control socket (docs/realtime.md).
/// </summary>
/// <remarks>
/// <para>To the engine: <c>graph ID JSON</c> (compile and swap in; the first one starts the run), <c>set ID NODE PARAM
/// VALUE</c>, <c>quit</c>.</para>
/// <para>From the engine: <c>ready JSON</c>, <c>nodes GEN LATENCY ID=PLUGIN…</c>, <c>ok ID TEXT</c>, <c>error ID TEXT</c>,
/// <c>stats NAME=VALUE…</c> (every second and once after the audio stopped), <c>result GEN NODE-INDEX CENTRE
/// VALUES…</c>, <c>warning TEXT</c>, <c>shutdown REASON</c>.</para>
/// </remarks>
internal static class EngineProtocol
{
    public const string Graph = "graph";
    public const string Set = "set";
    public const string Quit = "quit";
    public const string Ready = "ready";
    public const string Nodes = "nodes";
    public const string Ok = "ok";
    public const string Error = "error";
    public const string Stats = "stats";
    public const string Result = "result";
    public const string Warning = "warning";
    public const string Shutdown = "shutdown";

    /// <summary>A graph as one line of JSON.</summary>
    public static string GraphLine(AudioGraph graph) => JsonNode.Parse(GraphFile.ToJson(graph))!.ToJsonString();

    /// <summary>Splits off the first space-separated word.</summary>
    public static (string Head, string Tail) Split(string line)
    {
        var space = line.IndexOf(' ');
        return space < 0 ? (line, "") : (line[..space], line[(space + 1)..]);
    }

    /// <summary>Makes text safe to put on one protocol line.</summary>
    public static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
