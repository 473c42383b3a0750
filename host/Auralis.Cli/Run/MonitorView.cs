using System.Globalization;
using System.Text;
using Auralis.Sdk;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Auralis.Cli.Run;

/// <summary>
/// <c>auralis run --monitor</c>: the live view of a run, refreshed four times a second on a terminal (once a second as
/// plain lines otherwise). Every value is laid out from the plugins' descriptors — scalars with their unit, records as
/// named values, vectors as bars — so analyzers show up without code here knowing them.
/// </summary>
internal sealed class MonitorView(CliHost host, RunSession session)
{
    private const string Bars = "▁▂▃▄▅▆▇█";

    /// <summary>Shows the view until <paramref name="stop"/> is set.</summary>
    public void Show(ManualResetEventSlim stop)
    {
        // A live view needs only a terminal that understands ANSI on stderr (standard input may be a script).
        if (!Console.IsErrorRedirected && host.Status.Profile.Capabilities.Ansi)
        {
            host.Status.Live(Render()).AutoClear(false).Start(context =>
            {
                while (!stop.Wait(250))
                {
                    context.UpdateTarget(Render());
                }
                context.UpdateTarget(Render());
            });
            return;
        }
        while (!stop.Wait(1000))
        {
            var text = new StringBuilder();
            foreach (var line in PlainLines())
            {
                text.Append(line).Append('\n');
            }
            host.Out.Write(text.ToString());
            host.Out.Flush();
        }
    }

    /// <summary>The view as plain text lines, one per node.</summary>
    public IEnumerable<string> PlainLines()
    {
        foreach (var node in session.Nodes)
        {
            var line = new StringBuilder($"monitor: {node.Node.Id} ({node.Descriptor.Id}) load={Load(node)}%");
            foreach (var p in node.Descriptor.Parameters)
            {
                line.Append(' ').Append(p.Id).Append('=').Append(Format(session.ParameterValue(node, p)));
            }
            if (node.Values is { } values)
            {
                foreach (var (result, v) in RunSession.FrameResults(node.Descriptor, values))
                {
                    line.Append(' ').Append(result.Id).Append('=').Append(ResultText(result, v.Span, plain: true));
                }
            }
            yield return line.ToString();
        }
    }

    private IRenderable Render()
    {
        var ready = session.Ready;
        var stats = session.Stats.ToDictionary(s => s.Key, s => s.Value);
        string Stat(string name) => stats.TryGetValue(name, out var v) ? v : "–";
        var header = new Markup(Markup.Escape(
            $"{ready?.Client} @ {ready?.Server}   {ready?.SampleRate} Hz / {Stat("period_frames")} frames   latency {Stat("latency_frames")}   " +
            $"DSP {Stat("dsp_load_percent")}% (max {Stat("dsp_load_max_percent")}%)   xruns {Stat("xruns")}   " +
            $"largest gap {Stat("largest_gap_after_first_second_periods")} periods   audio-thread allocations {Stat("audio_thread_allocated_bytes")} B"));
        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumn("node");
        table.AddColumn("plugin");
        table.AddColumn(new TableColumn("DSP %").RightAligned());
        table.AddColumn("parameters");
        table.AddColumn("results");
        foreach (var node in session.Nodes)
        {
            var parameters = string.Join("\n", node.Descriptor.Parameters.Select(p => $"{p.Id} {Format(session.ParameterValue(node, p))} {p.Unit}".TrimEnd()));
            var results = node.Descriptor.FrameResultWidth == 0
                ? "[grey](no frame results)[/]"
                : node.Values is not { } values
                    ? "[grey](waiting for the first frame)[/]"
                    : string.Join("\n", RunSession.FrameResults(node.Descriptor, values)
                        .Select(r => Markup.Escape($"{r.Result.Name}: {ResultText(r.Result, r.Values.Span, plain: false)}")));
            table.AddRow(new Markup(Markup.Escape(node.Node.Id)), new Markup(Markup.Escape(node.Descriptor.Name)),
                new Markup(Load(node)), new Markup(Markup.Escape(parameters)), new Markup(results));
        }
        if (session.Nodes.All(n => n.Descriptor.FrameResultWidth == 0))
        {
            return new Rows(header, table, new Markup("[grey]no analyzer in this graph: add one (e.g. --chain gain,pitch) to see live results[/]"));
        }
        return new Rows(header, table);
    }

    private string Load(NodeView node) =>
        session.Stats.FirstOrDefault(s => s.Key == $"dsp_load_percent.{node.Node.Id}").Value ?? "–";

    private static string ResultText(ResultInfo result, ReadOnlySpan<float> values, bool plain)
    {
        switch (result.Kind)
        {
            case ResultKind.Scalar:
                return $"{Format(values[0])} {result.Unit}".TrimEnd();
            case ResultKind.Record:
                var names = result.ElementNames!;
                var parts = new List<string>();
                for (var i = 0; i < values.Length; i++)
                {
                    parts.Add($"{names[i]}={Format(values[i])}");
                }
                return string.Join(plain ? "," : " ", parts);
            default:
                if (plain)
                {
                    return string.Join(',', values.ToArray().Select(Format));
                }
                var peak = 0f;
                foreach (var v in values)
                {
                    peak = Math.Max(peak, Math.Abs(v));
                }
                var bars = new StringBuilder();
                for (var i = 0; i < values.Length; i++)
                {
                    if (result.ElementNames is { Count: <= 12 } labels)
                    {
                        bars.Append(i == 0 ? "" : " ").Append(labels[i]);
                    }
                    bars.Append(peak == 0 ? Bars[0] : Bars[(int)Math.Round(Math.Abs(values[i]) / peak * (Bars.Length - 1))]);
                }
                return $"{bars} (max {Format(peak)})";
        }
    }

    private static string Format(float value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
