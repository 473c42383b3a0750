using System.CommandLine;
using System.Globalization;
using Auralis.Offline.Analysis;
using Auralis.Sdk;

namespace Auralis.Cli.Commands;

/// <summary><c>auralis analyze IN [--plugins a,b] [--json OUT|-]</c>.</summary>
public static class AnalyzeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Func<ParseResult, CliHost> host)
    {
        var input = new Argument<string>("IN") { Description = "Input audio file" };
        var plugins = new Option<string?>("--plugins") { Description = "Analyzers to run, comma-separated (default: every installed analyzer)" };
        var json = new Option<string?>("--json") { Description = "Write the analysis JSON to this file ('-' for stdout)" };
        var block = new Option<int>("--block") { Description = "Frames per block", DefaultValueFactory = _ => 4096 };
        var command = new Command("analyze", "Analyze an audio file (pitch, tempo, chroma, fingerprint, …)") { input, plugins, json, block };
        command.SetAction(r =>
        {
            var h = host(r);
            return h.Run(() =>
            {
                var ids = r.GetValue(plugins) is { } list
                    ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    : DefaultAnalyzers(h);
                var report = ProcessCommand.WithProgress(h, "analyzing",
                    progress => FileAnalyzer.Analyze(r.GetValue(input)!, ids, h.Resolve, r.GetValue(block), progress));
                var text = AnalysisJson.Write(report, out var warnings);
                foreach (var w in warnings)
                {
                    h.Error.WriteLine($"auralis: warning: {w}");
                }
                var target = r.GetValue(json);
                if (target == "-")
                {
                    h.Out.WriteLine(text);
                }
                else if (target is not null)
                {
                    WriteAtomically(target, text);
                    h.Error.WriteLine($"wrote {Path.GetFullPath(target)}");
                }
                if (target != "-")
                {
                    PrintSummary(h, report);
                }
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    private static string[] DefaultAnalyzers(CliHost host)
    {
        var catalog = host.Catalog;
        if (catalog.DirectoryError is { } e)
        {
            throw new Auralis.Engine.Plugins.PluginLoadException(e);
        }
        // Every installed analyzer; a broken plugin folder is reported, not skipped.
        catalog.LoadAll();
        if (catalog.Records.FirstOrDefault(r => r.Error is not null) is { } broken)
        {
            throw new Auralis.Engine.Plugins.PluginLoadException(broken.Error!);
        }
        var ids = catalog.Records.Select(r => r.TryLoad()!).Where(p => p.Descriptor.Kind == PluginKind.Analyzer).Select(p => p.Id).ToArray();
        return ids.Length > 0
            ? ids
            : throw new Auralis.Engine.Graph.GraphException(Auralis.Engine.Graph.GraphErrorKind.Unusable,
                $"no analyzer plugin is installed in {catalog.Directory}");
    }

    private static void WriteAtomically(string path, string text)
    {
        var full = Path.GetFullPath(path);
        if (Auralis.Offline.SndFile.OutputTarget.IsDeviceOrPipe(full))
        {
            try
            {
                File.WriteAllText(full, text); // a device or pipe: there is no file to replace, only a stream to write
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new Auralis.Offline.SndFile.AudioFileException(Auralis.Offline.SndFile.AudioFileErrorKind.WriteFailed, full, e.Message);
            }
            return;
        }
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.partial");
        try
        {
            File.WriteAllText(temp, text);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw new Auralis.Offline.SndFile.AudioFileException(Auralis.Offline.SndFile.AudioFileErrorKind.WriteFailed, full, e.Message);
        }
    }

    private static void PrintSummary(CliHost h, AnalysisReport report)
    {
        h.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{report.File}: {report.DurationSeconds:0.00} s, {report.SampleRate} Hz, {report.Channels} ch"));
        foreach (var (id, analysis) in report.Plugins)
        {
            h.Out.WriteLine($"  {id} ({analysis.Frames.Times.Count} frames)");
            foreach (var result in analysis.Descriptor.Results.Where(r => r.Scope == ResultScope.Summary))
            {
                if (!analysis.Summary.TryGetValue(result.Id, out var v))
                {
                    continue;
                }
                var text = result.Kind switch
                {
                    ResultKind.Scalar => Format(v[0]),
                    ResultKind.Record => string.Join(", ", result.ElementNames!.Select((n, i) => $"{n}={Format(v[i])}")),
                    _ => v.Length > 16 ? $"[{string.Join(", ", v.Take(16).Select(Format))}, … {v.Length} values]" : $"[{string.Join(", ", v.Select(Format))}]",
                };
                h.Out.WriteLine($"    {result.Id}: {text} {result.Unit}".TrimEnd());
            }
        }
    }

    private static string Format(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
