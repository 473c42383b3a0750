using System.CommandLine;
using Auralis.Engine.Plugins;
using Auralis.Engine.Validation;

namespace Auralis.Cli.Commands;

/// <summary><c>auralis validate (PLUGIN_DIR | PLUGIN_ID) [--strictness 1..10] [--json]</c>.</summary>
public static class ValidateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Func<ParseResult, CliHost> host)
    {
        var target = new Argument<string>("PLUGIN") { Description = "A plugin folder (with plugin.json) or an installed plugin's id or alias" };
        var strictness = new Option<int>("--strictness") { Description = "1 (quick) … 10 (everything, longest runs)", DefaultValueFactory = _ => 5 };
        strictness.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < ValidationOptions.MinStrictness or > ValidationOptions.MaxStrictness)
            {
                r.AddError("--strictness must be 1..10");
            }
        });
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var command = new Command("validate", "Check a plugin against the host contract (pluginval-style): rates, block sizes, hostile input, state, latency, allocation…")
        {
            target, strictness, json,
        };
        command.SetAction(r =>
        {
            var h = host(r);
            return h.Run(() =>
            {
                var what = r.GetValue(target)!;
                // A folder is loaded on its own, in isolation; anything else names an installed plugin.
                var plugin = Directory.Exists(what) ? PluginLoader.Load(what) : h.Resolve(what);
                var report = PluginValidator.Validate(plugin, new ValidationOptions(r.GetValue(strictness)));
                if (r.GetValue(json))
                {
                    h.Out.WriteLine(report.ToJson());
                }
                else
                {
                    h.Out.WriteLine($"validating {report.PluginId} ({report.PluginPath}) at strictness {report.Strictness}");
                    foreach (var c in report.Checks)
                    {
                        h.Out.WriteLine($"  {(c.Passed ? "pass" : "FAIL")}  {c.Id,-24} {c.Detail}");
                    }
                    var failed = report.Checks.Count(c => !c.Passed);
                    h.Out.WriteLine(report.Passed ? $"passed all {report.Checks.Count} checks" : $"{failed} of {report.Checks.Count} checks failed");
                }
                return report.Passed ? ExitCodes.Ok : ExitCodes.Failed;
            });
        });
        return command;
    }
}
