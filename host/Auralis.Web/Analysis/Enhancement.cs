using System.Globalization;
using System.Text;
using System.Text.Json;
using Auralis.Engine.Graph;
using Auralis.Engine.Plugins;

namespace Auralis.Web.Analysis;

/// <summary>
/// What "Enhanced" means for one track: the enhancer plugin with the track's measured fingerprint set as its
/// <c>measured_*</c> parameters. The SDK has no per-track side channel, so the host carries the fingerprint into the
/// plugin as plain parameter values; the recipe's key names the plugin version and every value, so a cached chunk is
/// reused only for exactly this processing.
/// </summary>
/// <param name="Parameters">Enhancer parameter values by id.</param>
/// <param name="PluginVersion">The enhancer version that will run.</param>
public sealed record EnhancementRecipe(IReadOnlyDictionary<string, float> Parameters, string PluginVersion)
{
    /// <summary>The chain spec streamed as "Enhanced".</summary>
    public const string Chain = "enhancer";

    /// <summary>The enhancer plugin's id.</summary>
    public const string EnhancerId = "org.auralis.enhancer";

    /// <summary>The analyzer whose summary carries the fingerprint.</summary>
    public const string FingerprintId = "org.auralis.fingerprint";

    /// <summary>Fingerprint dimensions (docs/fingerprint.md) and the enhancer parameters they set.</summary>
    public static readonly IReadOnlyList<(string Dimension, string Parameter)> FingerprintParameters =
    [
        ("lufs", "measured_lufs"),
        ("crest_db", "measured_crest_db"),
        ("sub_bass", "measured_sub_bass"),
        ("bass", "measured_bass"),
        ("low_mid", "measured_low_mid"),
        ("mid", "measured_mid"),
        ("upper_mid", "measured_upper_mid"),
        ("presence", "measured_presence"),
        ("air", "measured_air"),
    ];

    /// <summary>A stable text naming the plugin version and every parameter value (cache key).</summary>
    public string Key
    {
        get
        {
            var b = new StringBuilder($"{EnhancerId}@{PluginVersion}");
            foreach (var (id, value) in Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                b.Append(';').Append(id).Append('=').Append(value.ToString("R", CultureInfo.InvariantCulture));
            }
            return b.ToString();
        }
    }

    /// <summary>The graph that renders it.</summary>
    public AudioGraph ToGraph(Func<string, LoadedPlugin> resolve)
    {
        var graph = ChainSpec.ToGraph(Chain, resolve);
        var node = graph.Nodes[0];
        foreach (var (id, value) in Parameters)
        {
            node.Parameters[id] = value;
        }
        return graph;
    }

    /// <summary>
    /// The recipe for a track whose fingerprint dimensions are <paramref name="dimensions"/>; each value is clamped to
    /// the enhancer's parameter range (a silent track's loudness, written as null, becomes the range's floor).
    /// </summary>
    /// <exception cref="InvalidDataException">A dimension the enhancer needs is absent from the fingerprint.</exception>
    public static EnhancementRecipe FromFingerprint(IReadOnlyDictionary<string, double?> dimensions, LoadedPlugin enhancer)
    {
        var values = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var (dimension, parameter) in FingerprintParameters)
        {
            if (!dimensions.TryGetValue(dimension, out var measured))
            {
                throw new InvalidDataException($"the fingerprint has no '{dimension}' dimension, which the enhancer needs (fingerprint plugin too old?)");
            }
            var index = enhancer.Descriptor.IndexOfParameter(parameter);
            if (index < 0)
            {
                throw new InvalidDataException($"{enhancer.Id} {enhancer.Descriptor.Version} has no parameter '{parameter}'");
            }
            var info = enhancer.Descriptor.Parameters[index];
            // A value the analysis could not express (written as null) is a silent track's loudness, or unknown.
            var v = measured is { } m && double.IsFinite(m) ? (float)m : dimension == "lufs" ? info.Min : info.Default;
            values[parameter] = Math.Clamp(v, info.Min, info.Max);
        }
        return new EnhancementRecipe(values, enhancer.Descriptor.Version.ToString());
    }

    /// <summary>Reads the fingerprint dimensions out of an analysis JSON (null for a value written as null).</summary>
    /// <returns>The dimensions, or null when the analysis has no fingerprint.</returns>
    public static IReadOnlyDictionary<string, double?>? ReadFingerprint(string analysisJson)
    {
        using var doc = JsonDocument.Parse(analysisJson);
        if (!doc.RootElement.TryGetProperty("plugins", out var plugins) || !plugins.TryGetProperty(FingerprintId, out var fp)
            || !fp.TryGetProperty("summary", out var summary) || !summary.TryGetProperty("dimensions", out var dims)
            || dims.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var result = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (var d in dims.EnumerateObject())
        {
            result[d.Name] = d.Value.ValueKind == JsonValueKind.Number ? d.Value.GetDouble() : null;
        }
        return result;
    }
}
