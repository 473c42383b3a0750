namespace Auralis.Engine.Graph;

/// <summary>Why a graph is not acceptable.</summary>
public enum GraphErrorKind
{
    /// <summary>The graph file is not valid JSON of the graph shape.</summary>
    Malformed,
    /// <summary>Two nodes share an id, or a node uses a reserved id.</summary>
    DuplicateId,
    /// <summary>A connection names a node that does not exist.</summary>
    UnknownNode,
    /// <summary>A connection names a port the node's plugin does not have.</summary>
    UnknownPort,
    /// <summary>A connection would close a cycle.</summary>
    Cycle,
    /// <summary>A node input or the graph output has nothing connected.</summary>
    Unconnected,
    /// <summary>A parameter id or value is not valid for the node's plugin.</summary>
    BadParameter,
    /// <summary>The graph cannot be processed as asked (e.g. no processor in a chain meant to change audio).</summary>
    Unusable,
}

/// <summary>A graph that cannot be built or compiled, with the reason named.</summary>
public sealed class GraphException(GraphErrorKind kind, string message) : Exception(message)
{
    /// <summary>Why.</summary>
    public GraphErrorKind Kind { get; } = kind;
}

/// <summary>One end of a connection: a node's port (<c>node.port</c>), or the graph's <c>input</c> / <c>output</c>.</summary>
/// <param name="Node">Node id, or <see cref="AudioGraph.InputNode"/> / <see cref="AudioGraph.OutputNode"/>.</param>
/// <param name="Port">Port name, or null for the node's only port of that direction.</param>
public readonly record struct PortRef(string Node, string? Port)
{
    /// <summary>Parses <c>node</c> or <c>node.port</c>.</summary>
    public static PortRef Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var dot = text.IndexOf('.');
        var node = dot < 0 ? text : text[..dot];
        var port = dot < 0 ? null : text[(dot + 1)..];
        if (node.Length == 0 || port is { Length: 0 })
        {
            throw new GraphException(GraphErrorKind.Malformed, $"'{text}' is not a port reference (node or node.port)");
        }
        return new PortRef(node, port);
    }

    /// <summary><c>node</c> or <c>node.port</c>.</summary>
    public override string ToString() => Port is null ? Node : $"{Node}.{Port}";
}

/// <summary>A node: an instance of a plugin with initial parameter values.</summary>
public sealed class GraphNode
{
    internal GraphNode(string id, string pluginId, IReadOnlyDictionary<string, float> parameters)
    {
        Id = id;
        PluginId = pluginId;
        Parameters = new Dictionary<string, float>(parameters, StringComparer.Ordinal);
    }

    /// <summary>Unique node id within the graph.</summary>
    public string Id { get; }

    /// <summary>Plugin id or alias.</summary>
    public string PluginId { get; }

    /// <summary>Initial plain parameter values by parameter id; others keep their defaults.</summary>
    public Dictionary<string, float> Parameters { get; }

    /// <summary>Where the plugin runs: null (the host's choice), <c>in-process</c>, <c>process</c> (its own sandbox
    /// process) or <c>process:GROUP</c> (a sandbox process shared by the nodes of that group).</summary>
    public string? Isolation { get; set; }
}

/// <summary>A port-to-port connection. Several connections into one input are summed.</summary>
public sealed record Connection(PortRef From, PortRef To)
{
    /// <summary><c>from -> to</c>.</summary>
    public override string ToString() => $"{From} -> {To}";
}

/// <summary>
/// The editable description of a processing graph: nodes and port-to-port connections between the graph's
/// <c>input</c>, plugin nodes and the graph's <c>output</c>. A connection that would close a cycle is refused when it is
/// made. Compile it with <see cref="GraphCompiler"/> to run it.
/// </summary>
/// <remarks>Thread: control. Not thread-safe; the audio thread never sees it.</remarks>
public sealed class AudioGraph
{
    /// <summary>The graph's audio input (a source with one port, <c>out</c>).</summary>
    public const string InputNode = "input";

    /// <summary>The graph's audio output (a sink with one port, <c>in</c>).</summary>
    public const string OutputNode = "output";

    private readonly List<GraphNode> _nodes = [];
    private readonly List<Connection> _connections = [];

    /// <summary>Plugin nodes, in insertion order.</summary>
    public IReadOnlyList<GraphNode> Nodes => _nodes;

    /// <summary>Connections, in insertion order.</summary>
    public IReadOnlyList<Connection> Connections => _connections;

    /// <summary>Adds a node.</summary>
    /// <exception cref="GraphException">The id is invalid, reserved or already used.</exception>
    public GraphNode AddNode(string id, string pluginId, IReadOnlyDictionary<string, float>? parameters = null)
    {
        if (!IsNodeId(id))
        {
            throw new GraphException(GraphErrorKind.Malformed,
                $"node id '{id}' is not valid: use a lower-case letter first, then lower-case letters, digits, '_' or '-'");
        }
        if (id is InputNode or OutputNode)
        {
            throw new GraphException(GraphErrorKind.DuplicateId, $"node id '{id}' is reserved for the graph's own {id}");
        }
        if (_nodes.Any(n => n.Id == id))
        {
            throw new GraphException(GraphErrorKind.DuplicateId, $"node id '{id}' is used twice");
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(pluginId);
        var node = new GraphNode(id, pluginId, parameters ?? new Dictionary<string, float>());
        _nodes.Add(node);
        return node;
    }

    /// <summary>Connects an output port to an input port.</summary>
    /// <exception cref="GraphException">A node does not exist, the direction is wrong, or the connection closes a cycle
    /// (the message names the cycle).</exception>
    public Connection Connect(PortRef from, PortRef to)
    {
        if (from.Node == OutputNode)
        {
            throw new GraphException(GraphErrorKind.UnknownPort, $"connection {from} -> {to}: the graph output cannot be a source");
        }
        if (to.Node == InputNode)
        {
            throw new GraphException(GraphErrorKind.UnknownPort, $"connection {from} -> {to}: the graph input cannot be a destination");
        }
        foreach (var end in new[] { from, to })
        {
            if (end.Node is not (InputNode or OutputNode) && _nodes.All(n => n.Id != end.Node))
            {
                throw new GraphException(GraphErrorKind.UnknownNode, $"connection {from} -> {to}: there is no node '{end.Node}'");
            }
        }
        var connection = new Connection(from, to);
        if (_connections.Contains(connection))
        {
            throw new GraphException(GraphErrorKind.DuplicateId, $"connection {connection} is made twice");
        }
        var path = FindPath(to.Node, from.Node);
        if (path is not null)
        {
            throw new GraphException(GraphErrorKind.Cycle,
                $"connection {from} -> {to} would close a cycle: {string.Join(" -> ", path.Prepend(from.Node))}");
        }
        _connections.Add(connection);
        return connection;
    }

    /// <summary>Removes a connection; returns false when it was not there.</summary>
    public bool Disconnect(Connection connection) => _connections.Remove(connection);

    /// <summary>Removes a node and its connections; returns false when it was not there.</summary>
    public bool RemoveNode(string id)
    {
        var removed = _nodes.RemoveAll(n => n.Id == id) > 0;
        _connections.RemoveAll(c => c.From.Node == id || c.To.Node == id);
        return removed;
    }

    /// <summary>The node with <paramref name="id"/>, or null.</summary>
    public GraphNode? FindNode(string id) => _nodes.FirstOrDefault(n => n.Id == id);

    /// <summary>A deep copy, for editing while the original keeps running.</summary>
    public AudioGraph Clone()
    {
        var copy = new AudioGraph();
        foreach (var n in _nodes)
        {
            copy.AddNode(n.Id, n.PluginId, n.Parameters).Isolation = n.Isolation;
        }
        copy._connections.AddRange(_connections);
        return copy;
    }

    /// <summary>Node ids follow the SDK's token rule (no dots, so <c>node.port</c> is unambiguous).</summary>
    public static bool IsNodeId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64 || !char.IsAsciiLetterLower(id[0]))
        {
            return false;
        }
        return id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-');
    }

    // Depth-first search along existing connections; returns the node path start..goal or null.
    private List<string>? FindPath(string start, string goal)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        return Visit(start) ? path : null;

        bool Visit(string node)
        {
            path.Add(node);
            if (node == goal)
            {
                return true;
            }
            if (visited.Add(node))
            {
                foreach (var c in _connections)
                {
                    if (c.From.Node == node && Visit(c.To.Node))
                    {
                        return true;
                    }
                }
            }
            path.RemoveAt(path.Count - 1);
            return false;
        }
    }
}
