namespace Auralis.Web.Streaming;

/// <summary>
/// Encoded chunks kept in memory, least recently used dropped first once the byte budget is exceeded. Thread-safe.
/// </summary>
public sealed class ChunkCache(long budgetBytes)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, StreamChunk Chunk)>> _index = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, StreamChunk Chunk)> _order = new();
    private long _bytes;

    /// <summary>Bytes held.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>The chunk under <paramref name="key"/>, marked as recently used; or null.</summary>
    public StreamChunk? Get(string key)
    {
        lock (_gate)
        {
            if (!_index.TryGetValue(key, out var node))
            {
                return null;
            }
            _order.Remove(node);
            _order.AddFirst(node);
            return node.Value.Chunk;
        }
    }

    /// <summary>Stores a chunk, evicting the least recently used beyond the budget.</summary>
    public void Put(string key, StreamChunk chunk)
    {
        lock (_gate)
        {
            if (_index.TryGetValue(key, out var old))
            {
                _order.Remove(old);
                _bytes -= old.Value.Chunk.Wav.Length;
            }
            _index[key] = _order.AddFirst((key, chunk));
            _bytes += chunk.Wav.Length;
            while (_bytes > budgetBytes && _order.Count > 1)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _index.Remove(last.Value.Key);
                _bytes -= last.Value.Chunk.Wav.Length;
            }
        }
    }
}
