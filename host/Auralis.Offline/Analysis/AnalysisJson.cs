using System.Text;
using System.Text.Json;
using Auralis.Sdk;

namespace Auralis.Offline.Analysis;

/// <summary>
/// Writes an <see cref="AnalysisReport"/> as the documented analysis JSON (docs/analysis-json.md):
/// <c>{"file","sample_rate","channels","duration_s","plugins":{"&lt;id&gt;":{"summary":{…},"frames":{"t":[…],…}}}}</c>.
/// Never writes NaN or infinity tokens: a non-finite value is written as null and listed in the warnings.
/// </summary>
public static class AnalysisJson
{
    /// <summary>Serialises the report; <paramref name="warnings"/> lists every non-finite value replaced by null.</summary>
    public static string Write(AnalysisReport report, out IReadOnlyList<string> warnings, bool indented = false)
    {
        var problems = new List<string>();
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartObject();
            w.WriteString("file", report.File);
            w.WriteNumber("sample_rate", report.SampleRate);
            w.WriteNumber("channels", report.Channels);
            w.WriteNumber("duration_s", Math.Round(report.DurationSeconds, 6));
            w.WriteStartObject("plugins");
            foreach (var (id, analysis) in report.Plugins)
            {
                w.WriteStartObject(id);
                w.WriteStartObject("summary");
                foreach (var result in analysis.Descriptor.Results.Where(r => r.Scope == ResultScope.Summary))
                {
                    if (!analysis.Summary.TryGetValue(result.Id, out var values))
                    {
                        continue;
                    }
                    w.WritePropertyName(result.Id);
                    WriteValue(w, result, values, $"{id}.summary.{result.Id}", problems);
                }
                w.WriteEndObject();
                w.WriteStartObject("frames");
                w.WriteStartArray("t");
                foreach (var t in analysis.Frames.Times)
                {
                    w.WriteNumberValue(Math.Round(t, 6));
                }
                w.WriteEndArray();
                foreach (var result in analysis.Descriptor.Results.Where(r => r.Scope == ResultScope.Frame))
                {
                    w.WriteStartArray(result.Id);
                    if (analysis.Frames.Values.TryGetValue(result.Id, out var list))
                    {
                        for (var i = 0; i + result.Length <= list.Count; i += result.Length)
                        {
                            if (result.Length == 1)
                            {
                                Number(w, list[i], $"{id}.frames.{result.Id}", problems);
                            }
                            else
                            {
                                w.WriteStartArray();
                                for (var k = 0; k < result.Length; k++)
                                {
                                    Number(w, list[i + k], $"{id}.frames.{result.Id}", problems);
                                }
                                w.WriteEndArray();
                            }
                        }
                    }
                    w.WriteEndArray();
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        warnings = problems.Distinct().Select(p => $"non-finite values written as null in {p}").ToList();
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteValue(Utf8JsonWriter w, ResultInfo result, double[] values, string where, List<string> problems)
    {
        switch (result.Kind)
        {
            case ResultKind.Scalar:
                Number(w, values[0], where, problems);
                break;
            case ResultKind.Record:
                w.WriteStartObject();
                for (var i = 0; i < values.Length; i++)
                {
                    w.WritePropertyName(result.ElementNames![i]);
                    Number(w, values[i], where, problems);
                }
                w.WriteEndObject();
                break;
            default:
                w.WriteStartArray();
                foreach (var v in values)
                {
                    Number(w, v, where, problems);
                }
                w.WriteEndArray();
                break;
        }
    }

    private static void Number(Utf8JsonWriter w, double value, string where, List<string> problems)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumberValue(value);
        }
        else
        {
            problems.Add(where);
            w.WriteNullValue();
        }
    }

    private static void Number(Utf8JsonWriter w, float value, string where, List<string> problems)
    {
        if (float.IsFinite(value))
        {
            w.WriteNumberValue(value);
        }
        else
        {
            problems.Add(where);
            w.WriteNullValue();
        }
    }
}
