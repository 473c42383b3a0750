using System.Text.Json;

namespace Auralis.Engine.Validation;

/// <summary>How hard to push a plugin: 1 (quick sanity) … 10 (everything, longest runs). Default 5.</summary>
public sealed record ValidationOptions(int Strictness = 5, int Seed = 20261123)
{
    /// <summary>The strictness range.</summary>
    public const int MinStrictness = 1, MaxStrictness = 10;
}

/// <summary>One check's outcome.</summary>
/// <param name="Id">Stable id, e.g. <c>state</c>.</param>
/// <param name="Title">What was checked.</param>
/// <param name="Passed">Whether it passed.</param>
/// <param name="Detail">Why it failed, or what was measured.</param>
/// <param name="Milliseconds">Time the check took.</param>
public sealed record CheckResult(string Id, string Title, bool Passed, string Detail, double Milliseconds);

/// <summary>Everything <see cref="PluginValidator"/> found about one plugin.</summary>
public sealed record ValidationReport(string PluginId, string PluginPath, int Strictness, IReadOnlyList<CheckResult> Checks)
{
    /// <summary>True when every check at this strictness passed.</summary>
    public bool Passed => Checks.All(c => c.Passed);

    /// <summary>The report as JSON.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("plugin", PluginId);
            w.WriteString("path", PluginPath);
            w.WriteNumber("strictness", Strictness);
            w.WriteBoolean("passed", Passed);
            w.WriteStartArray("checks");
            foreach (var c in Checks)
            {
                w.WriteStartObject();
                w.WriteString("id", c.Id);
                w.WriteString("title", c.Title);
                w.WriteBoolean("passed", c.Passed);
                w.WriteString("detail", c.Detail);
                w.WriteNumber("ms", Math.Round(c.Milliseconds, 1));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
