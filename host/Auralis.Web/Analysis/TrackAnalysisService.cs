using System.Collections.Concurrent;
using System.Text.Json;
using Auralis.Engine.Plugins;
using Auralis.Offline;
using Auralis.Offline.Analysis;
using Auralis.Offline.SndFile;
using Auralis.Web.Library;

namespace Auralis.Web.Analysis;

/// <summary>
/// Per-track analyses, computed once and cached in the library database: the analysis JSON of every installed analyzer
/// (plots and the fingerprint), the fingerprint of the enhanced rendering (radar), and a waveform overview. Requests
/// for the same analysis while it runs share the one computation.
/// </summary>
public sealed class TrackAnalysisService(LibraryDatabase database, PluginAccess plugins, string workDirectory)
{
    /// <summary>Cache kinds.</summary>
    public const string OriginalKind = "analysis", FingerprintKind = "fingerprint", EnhancedKind = "enhanced-fingerprint", WaveformKind = "waveform";

    /// <summary>Points in the waveform overview.</summary>
    public const int WaveformPoints = 1200;

    private readonly ConcurrentDictionary<(long, string), Lazy<Task<string>>> _running = new();
    private readonly ConcurrentDictionary<string, EnhancementRecipe> _recipes = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _heavyWork = new(Math.Max(1, Environment.ProcessorCount / 2));

    /// <summary>The analysis JSON of the track by every installed analyzer (docs/analysis-json.md).</summary>
    /// <exception cref="PluginLoadException">The plugins directory is missing.</exception>
    public Task<string> OriginalAsync(Track track)
    {
        var (analyzers, _) = plugins.Analyzers();
        var recipe = string.Join(",", analyzers.Select(a => $"{a.Id}@{a.Descriptor.Version}").Order(StringComparer.Ordinal));
        return Cached(track, OriginalKind, recipe, () =>
        {
            if (analyzers.Count == 0)
            {
                throw new PluginLoadException(new PluginError(PluginErrorKind.NotInstalled, EnhancementRecipe.FingerprintId, plugins.Directory,
                    $"no analyzer plugin is installed in {plugins.Directory}", "install the built-in analyzers (reinstall Auralis)"));
            }
            var report = FileAnalyzer.Analyze(track.Path, analyzers.Select(a => a.Id).ToList(), plugins.Resolve);
            var json = AnalysisJson.Write(report, out _);
            // The fingerprint alone is kept apart too: a stream reads these few numbers, not the whole analysis.
            if (analyzers.FirstOrDefault(a => a.Id == EnhancementRecipe.FingerprintId) is { } fingerprint
                && EnhancementRecipe.ReadFingerprint(json) is { } dimensions)
            {
                database.StoreAnalysis(track, FingerprintKind, Version(fingerprint), JsonSerializer.Serialize(dimensions));
            }
            return json;
        });
    }

    /// <summary>True when the original analysis is cached for the track's current file.</summary>
    public bool HasOriginal(Track track) => database.CachedKinds(track).Contains(OriginalKind);

    /// <summary>The recipe that makes this track "Enhanced": the enhancer set from the track's fingerprint.</summary>
    /// <exception cref="PluginLoadException">The enhancer or the fingerprint analyzer is missing or broken (named).</exception>
    public async Task<EnhancementRecipe> EnhancementAsync(Track track)
    {
        var enhancer = plugins.Resolve(EnhancementRecipe.EnhancerId);
        var fingerprint = plugins.Resolve(EnhancementRecipe.FingerprintId); // named error when the fingerprint cannot be measured
        var key = $"{track.Id}|{track.FileStamp}|{Version(fingerprint)}|{Version(enhancer)}";
        if (_recipes.TryGetValue(key, out var known))
        {
            return known;
        }
        IReadOnlyDictionary<string, double?>? dimensions = null;
        if (database.FindAnalysis(track, FingerprintKind, Version(fingerprint)) is { } cached)
        {
            dimensions = JsonSerializer.Deserialize<Dictionary<string, double?>>(cached);
        }
        if (dimensions is null)
        {
            var json = await OriginalAsync(track).ConfigureAwait(false);
            dimensions = EnhancementRecipe.ReadFingerprint(json)
                ?? throw new InvalidDataException($"the analysis of {track.Path} has no {EnhancementRecipe.FingerprintId} summary");
        }
        return _recipes[key] = EnhancementRecipe.FromFingerprint(dimensions, enhancer);
    }

    /// <summary>Loads every plugin now, so the first request does not wait for assemblies to load.</summary>
    public void WarmUp() => plugins.Analyzers();

    private static string Version(LoadedPlugin plugin) => $"{plugin.Id}@{plugin.Descriptor.Version}";

    /// <summary>The fingerprint analysis (JSON) of the track as enhanced: the whole track rendered, then measured.</summary>
    public async Task<string> EnhancedAsync(Track track)
    {
        var recipe = await EnhancementAsync(track).ConfigureAwait(false);
        var fingerprint = plugins.Resolve(EnhancementRecipe.FingerprintId);
        return await Cached(track, EnhancedKind, $"{recipe.Key}|{fingerprint.Id}@{fingerprint.Descriptor.Version}", () =>
        {
            Directory.CreateDirectory(workDirectory);
            var rendered = Path.Combine(workDirectory, $"enhanced-{track.Id}-{Guid.NewGuid():N}.wav");
            try
            {
                OfflineProcessor.Process(track.Path, rendered, recipe.ToGraph(plugins.Resolve), plugins.Resolve);
                var report = FileAnalyzer.Analyze(rendered, [fingerprint.Id], plugins.Resolve);
                return AnalysisJson.Write(report with { File = track.Path }, out _);
            }
            finally
            {
                File.Delete(rendered);
            }
        }).ConfigureAwait(false);
    }

    /// <summary>A waveform overview: per point, the smallest and largest sample of the channels' mean.</summary>
    public Task<string> WaveformAsync(Track track) => Cached(track, WaveformKind, $"minmax-mean-{WaveformPoints}", () =>
    {
        using var reader = AudioFileReader.Open(track.Path);
        var frames = Math.Max(1, reader.Info.Frames);
        var min = new float[WaveformPoints];
        var max = new float[WaveformPoints];
        Array.Fill(min, float.PositiveInfinity);
        Array.Fill(max, float.NegativeInfinity);
        var block = new float[reader.Info.Channels][];
        for (var c = 0; c < block.Length; c++)
        {
            block[c] = new float[65536];
        }
        long at = 0;
        int n;
        while ((n = reader.Read(block, 65536)) > 0)
        {
            for (var i = 0; i < n; i++, at++)
            {
                var sum = 0f;
                for (var c = 0; c < block.Length; c++)
                {
                    sum += block[c][i];
                }
                var v = sum / block.Length;
                var p = (int)Math.Min(WaveformPoints - 1, at * WaveformPoints / frames);
                min[p] = Math.Min(min[p], v);
                max[p] = Math.Max(max[p], v);
            }
        }
        for (var p = 0; p < WaveformPoints; p++)
        {
            if (float.IsInfinity(min[p]))
            {
                min[p] = max[p] = 0;
            }
        }
        return JsonSerializer.Serialize(new { points = WaveformPoints, duration_s = at / (double)reader.Info.SampleRate, min, max });
    });

    private Task<string> Cached(Track track, string kind, string recipe, Func<string> compute)
    {
        if (database.FindAnalysis(track, kind, recipe) is { } hit)
        {
            return Task.FromResult(hit);
        }
        var key = (track.Id, kind);
        var lazy = _running.GetOrAdd(key, k => new Lazy<Task<string>>(() => Task.Run(async () =>
        {
            await _heavyWork.WaitAsync().ConfigureAwait(false);
            try
            {
                if (database.FindAnalysis(track, kind, recipe) is { } again)
                {
                    return again;
                }
                var json = compute();
                database.StoreAnalysis(track, kind, recipe, json);
                return json;
            }
            finally
            {
                _heavyWork.Release();
                _running.TryRemove(key, out _);
            }
        })));
        return lazy.Value;
    }
}
