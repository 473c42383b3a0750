using System.Text;
using System.Text.Json;

namespace Auralis.Engine.Graph;

/// <summary>
/// The graph file format (JSON), the one place that reads and writes it:
/// <code>
/// { "nodes": [ { "id": "sep", "plugin": "org.auralis.separator", "parameters": { "margin": 1 } },
///              { "id": "pitch", "plugin": "pitch" } ],
///   "connections": [ { "from": "input", "to": "sep" },
///                    { "from": "sep.harmonic", "to": "output" },
///                    { "from": "sep.harmonic", "to": "pitch" } ] }
/// </code>
/// </summary>
public static class GraphFile
{
    /// <summary>Graph files larger than this are refused unread.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>Reads a graph file.</summary>
    /// <exception cref="GraphException">Malformed or invalid, with the reason.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static AudioGraph Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"graph file {path} does not exist", path);
        }
        if (info.Length > MaxBytes)
        {
            throw new GraphException(GraphErrorKind.Malformed, $"graph file {path} is {info.Length} bytes; the limit is {MaxBytes}");
        }
        try
        {
            return Parse(File.ReadAllBytes(path));
        }
        catch (GraphException e)
        {
            throw new GraphException(e.Kind, $"graph file {path}: {e.Message}");
        }
    }

    /// <summary>Parses graph JSON.</summary>
    public static AudioGraph Parse(ReadOnlySpan<byte> json)
    {
        if (json.Length > MaxBytes)
        {
            throw new GraphException(GraphErrorKind.Malformed, $"graph is {json.Length} bytes; the limit is {MaxBytes}");
        }
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            throw new GraphException(GraphErrorKind.Malformed, "not valid UTF-8 text");
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 16, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new GraphException(GraphErrorKind.Malformed, "not valid JSON: " + e.Message);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new GraphException(GraphErrorKind.Malformed, "a graph must be a JSON object with 'nodes' and 'connections'");
            }
            var graph = new AudioGraph();
            foreach (var node in Array(root, "nodes"))
            {
                if (node.ValueKind != JsonValueKind.Object)
                {
                    throw new GraphException(GraphErrorKind.Malformed, "each entry of 'nodes' must be an object");
                }
                var id = String(node, "id", "node");
                var plugin = String(node, "plugin", $"node '{id}'");
                var parameters = new Dictionary<string, float>(StringComparer.Ordinal);
                if (node.TryGetProperty("parameters", out var ps))
                {
                    if (ps.ValueKind != JsonValueKind.Object)
                    {
                        throw new GraphException(GraphErrorKind.Malformed, $"node '{id}': 'parameters' must be an object of numbers");
                    }
                    foreach (var p in ps.EnumerateObject())
                    {
                        if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetSingle(out var v) || !float.IsFinite(v))
                        {
                            throw new GraphException(GraphErrorKind.BadParameter, $"node '{id}': parameter '{p.Name}' must be a finite number");
                        }
                        parameters[p.Name] = v;
                    }
                }
                var added = graph.AddNode(id, plugin, parameters);
                if (node.TryGetProperty("isolation", out var isolation))
                {
                    added.Isolation = isolation.ValueKind == JsonValueKind.String && Isolation.IsolationMode.TryParse(isolation.GetString(), out _)
                        ? isolation.GetString()
                        : throw new GraphException(GraphErrorKind.Malformed, $"node '{id}': 'isolation' must be \"in-process\", \"process\" or \"process:GROUP\"");
                }
            }
            foreach (var c in Array(root, "connections"))
            {
                if (c.ValueKind != JsonValueKind.Object)
                {
                    throw new GraphException(GraphErrorKind.Malformed, "each entry of 'connections' must be an object with 'from' and 'to'");
                }
                graph.Connect(PortRef.Parse(String(c, "from", "connection")), PortRef.Parse(String(c, "to", "connection")));
            }
            return graph;
        }
    }

    /// <summary>Writes a graph as JSON (the same shape <see cref="Parse"/> reads).</summary>
    public static string ToJson(AudioGraph graph)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("nodes");
            foreach (var n in graph.Nodes)
            {
                w.WriteStartObject();
                w.WriteString("id", n.Id);
                w.WriteString("plugin", n.PluginId);
                if (n.Isolation is not null)
                {
                    w.WriteString("isolation", n.Isolation);
                }
                if (n.Parameters.Count > 0)
                {
                    w.WriteStartObject("parameters");
                    foreach (var (k, v) in n.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        w.WriteNumber(k, v);
                    }
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("connections");
            foreach (var c in graph.Connections)
            {
                w.WriteStartObject();
                w.WriteString("from", c.From.ToString());
                w.WriteString("to", c.To.ToString());
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            throw new GraphException(GraphErrorKind.Malformed, $"'{name}' must be an array");
        }
        return value.EnumerateArray();
    }

    private static string String(JsonElement obj, string name, string where)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw new GraphException(GraphErrorKind.Malformed, $"{where}: '{name}' must be a non-empty string");
        }
        return value.GetString()!;
    }
}
