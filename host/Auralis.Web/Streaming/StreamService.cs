using System.Collections.Concurrent;
using System.Diagnostics;
using Auralis.Web.Analysis;
using Auralis.Web.Library;

namespace Auralis.Web.Streaming;

/// <summary>Which audio a stream carries.</summary>
public enum StreamVariant
{
    /// <summary>The file as decoded.</summary>
    Original,

    /// <summary>The file through the enhancer, set from the track's fingerprint.</summary>
    Enhanced,
}

/// <summary>One encoded chunk and the facts the page shows about it.</summary>
/// <param name="Wav">The chunk as a float WAV file.</param>
/// <param name="Index">Chunk number (0-based).</param>
/// <param name="Count">Chunks in the track.</param>
/// <param name="Variant">Original or enhanced.</param>
/// <param name="StartFrame">The track frame the chunk starts at.</param>
/// <param name="Frames">Frames in the chunk.</param>
/// <param name="Chain">The plugins that made it (empty for the original).</param>
/// <param name="RenderMilliseconds">Time spent reading and processing it.</param>
public sealed record StreamChunk(byte[] Wav, int Index, int Count, StreamVariant Variant, long StartFrame, int Frames,
    IReadOnlyList<string> Chain, double RenderMilliseconds);

/// <summary>Chunk length, pre-roll, look-ahead and cache size.</summary>
public sealed record StreamSettings
{
    /// <summary>Seconds per chunk.</summary>
    public double ChunkSeconds { get; init; } = 2.0;

    /// <summary>Seconds of real input rendered before each chunk so processing has settled at its first frame.</summary>
    public double PrerollSeconds { get; init; } = 3.0;

    /// <summary>Chunks rendered ahead of the one requested, so the next is ready before the play head reaches it.</summary>
    public int Lookahead { get; init; } = 2;

    /// <summary>Memory for rendered chunks.</summary>
    public long CacheBytes { get; init; } = 256L << 20;
}

/// <summary>
/// Serves chunks of a track's original or enhanced audio: from the cache, or rendered on demand (one render per chunk
/// however many ask at once), and renders the next chunks ahead in the background.
/// </summary>
public sealed class StreamService(TrackAnalysisService analyses, PluginAccess plugins, StreamSettings settings)
{
    private readonly ChunkCache _cache = new(settings.CacheBytes);
    private readonly ConcurrentDictionary<string, Lazy<Task<StreamChunk>>> _rendering = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _prefetchSlots = new(Math.Max(1, Environment.ProcessorCount));

    /// <summary>The settings in force.</summary>
    public StreamSettings Settings => settings;

    /// <summary>Bytes of rendered chunks held in memory.</summary>
    public long CachedBytes => _cache.Bytes;

    /// <summary>How <paramref name="track"/> is cut into chunks.</summary>
    public ChunkLayout Layout(Track track) => ChunkLayout.For(track.Frames, track.SampleRate, settings.ChunkSeconds, settings.PrerollSeconds);

    /// <summary>
    /// Chunk <paramref name="index"/> of <paramref name="track"/> in <paramref name="variant"/>, and whether it came from
    /// the cache. Errors (a missing plugin or native library, a failing plugin) propagate: nothing is ever substituted.
    /// </summary>
    public async Task<(StreamChunk Chunk, bool Cached)> GetAsync(Track track, StreamVariant variant, int index)
    {
        var layout = Layout(track);
        if (index < 0 || index >= layout.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"the track has chunks 0..{layout.Count - 1}");
        }
        var recipe = variant == StreamVariant.Enhanced ? await analyses.EnhancementAsync(track).ConfigureAwait(false) : null;
        var result = await Fetch(track, layout, recipe, index).ConfigureAwait(false);
        for (var ahead = index + 1; ahead <= Math.Min(layout.Count - 1, index + settings.Lookahead); ahead++)
        {
            Prefetch(track, layout, recipe, ahead);
        }
        return result;
    }

    private async Task<(StreamChunk, bool)> Fetch(Track track, ChunkLayout layout, EnhancementRecipe? recipe, int index)
    {
        var key = Key(track, recipe, index);
        if (_cache.Get(key) is { } hit)
        {
            return (hit, true);
        }
        var lazy = _rendering.GetOrAdd(key, k => new Lazy<Task<StreamChunk>>(() => Task.Run(() =>
        {
            try
            {
                var chunk = Render(track, layout, recipe, index);
                _cache.Put(key, chunk);
                return chunk;
            }
            finally
            {
                _rendering.TryRemove(key, out _);
            }
        })));
        return (await lazy.Value.ConfigureAwait(false), false);
    }

    private void Prefetch(Track track, ChunkLayout layout, EnhancementRecipe? recipe, int index)
    {
        var key = Key(track, recipe, index);
        if (_cache.Get(key) is not null || _rendering.ContainsKey(key))
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            await _prefetchSlots.WaitAsync().ConfigureAwait(false);
            try
            {
                await Fetch(track, layout, recipe, index).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // A failure here is reported when the page asks for this chunk and the render fails again.
            }
            finally
            {
                _prefetchSlots.Release();
            }
        });
    }

    private StreamChunk Render(Track track, ChunkLayout layout, EnhancementRecipe? recipe, int index)
    {
        var clock = Stopwatch.StartNew();
        var audio = recipe is null
            ? ChunkRenderer.ReadOriginal(track.Path, layout, index)
            : ChunkRenderer.RenderProcessed(track.Path, layout, index, recipe.ToGraph(plugins.Resolve), plugins.Resolve, plugins.PlacePlugin);
        var wav = WavChunk.Encode(audio.Channels, audio.Frames, track.SampleRate);
        return new StreamChunk(wav, index, layout.Count, recipe is null ? StreamVariant.Original : StreamVariant.Enhanced,
            layout.StartOf(index), audio.Frames, audio.Chain, clock.Elapsed.TotalMilliseconds);
    }

    private static string Key(Track track, EnhancementRecipe? recipe, int index) =>
        $"{track.Id}|{track.FileStamp}|{recipe?.Key ?? "original"}|{index}";
}
