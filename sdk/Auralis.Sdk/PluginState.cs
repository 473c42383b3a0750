using System.Globalization;
using System.Text.Json;

namespace Auralis.Sdk;

/// <summary>
/// A plugin's saved state: plain parameter values keyed by stable parameter id, the state version they were saved
/// with, and optional private bytes. Serialises to a small JSON object that graphs, DAW sessions and the web app share.
/// </summary>
/// <remarks>Thread: any. Immutable.</remarks>
public sealed class PluginState
{
    /// <summary>The most bytes of JSON <see cref="FromJson"/> accepts.</summary>
    public const int MaxJsonLength = 1 << 20;

    /// <summary>Creates a state.</summary>
    public PluginState(string pluginId, int stateVersion, IReadOnlyDictionary<string, float> parameters, byte[]? custom = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pluginId);
        ArgumentOutOfRangeException.ThrowIfLessThan(stateVersion, 1);
        ArgumentNullException.ThrowIfNull(parameters);
        PluginId = pluginId;
        StateVersion = stateVersion;
        Parameters = new Dictionary<string, float>(parameters, StringComparer.Ordinal);
        Custom = custom?.ToArray();
    }

    /// <summary>The id of the plugin the state belongs to.</summary>
    public string PluginId { get; }

    /// <summary>The state version it was saved with.</summary>
    public int StateVersion { get; }

    /// <summary>Plain parameter values by parameter id.</summary>
    public IReadOnlyDictionary<string, float> Parameters { get; }

    /// <summary>Private bytes from <see cref="IAudioPlugin.SaveCustomState"/>, or null.</summary>
    public byte[]? Custom { get; }

    /// <summary>The state as JSON: <c>{"plugin":…,"state_version":…,"parameters":{id:value},"custom":base64}</c>.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("plugin", PluginId);
            w.WriteNumber("state_version", StateVersion);
            w.WriteStartObject("parameters");
            foreach (var (id, value) in Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.WriteNumber(id, float.IsFinite(value) ? value : 0f);
            }
            w.WriteEndObject();
            if (Custom is not null)
            {
                w.WriteBase64String("custom", Custom);
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Parses what <see cref="ToJson"/> wrote.</summary>
    /// <exception cref="FormatException">The text is not a valid state; the message says what is wrong.</exception>
    public static PluginState FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > MaxJsonLength)
        {
            throw new FormatException($"plugin state is {json.Length} characters; the limit is {MaxJsonLength}");
        }
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("plugin state must be a JSON object");
            }
            var plugin = root.TryGetProperty("plugin", out var p) && p.ValueKind == JsonValueKind.String
                ? p.GetString()! : throw new FormatException("plugin state lacks a string 'plugin'");
            var version = root.TryGetProperty("state_version", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= 1
                ? n : throw new FormatException("plugin state lacks a positive integer 'state_version'");
            var parameters = new Dictionary<string, float>(StringComparer.Ordinal);
            if (root.TryGetProperty("parameters", out var ps))
            {
                if (ps.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException("plugin state 'parameters' must be an object");
                }
                foreach (var prop in ps.EnumerateObject())
                {
                    if (prop.Value.ValueKind != JsonValueKind.Number || !prop.Value.TryGetSingle(out var value) || !float.IsFinite(value))
                    {
                        throw new FormatException($"plugin state parameter '{prop.Name}' is not a finite number");
                    }
                    parameters[prop.Name] = value;
                }
            }
            byte[]? custom = null;
            if (root.TryGetProperty("custom", out var c))
            {
                custom = c.ValueKind == JsonValueKind.String && c.TryGetBytesFromBase64(out var bytes)
                    ? bytes : throw new FormatException("plugin state 'custom' is not base64 text");
            }
            return new PluginState(plugin, version, parameters, custom);
        }
        catch (JsonException e)
        {
            throw new FormatException("plugin state is not valid JSON: " + e.Message, e);
        }
    }

    /// <summary>The state's parameters as <c>id=value</c> pairs, for messages.</summary>
    public override string ToString() =>
        $"{PluginId} v{StateVersion}: " + string.Join(", ", Parameters.Select(p => p.Key + "=" + p.Value.ToString(CultureInfo.InvariantCulture)));
}
