using System.Globalization;
using System.Net;
using System.Text.Json;
using Auralis.Engine.Plugins;
using Auralis.Web.Analysis;
using Auralis.Web.Library;
using Auralis.Web.Streaming;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Auralis.Web;

/// <summary>One health finding (what <c>auralis doctor</c> reports), shown on the page's health view.</summary>
public sealed record HealthCheck(string Area, string Name, string Status, string Detail, string? Path = null, string? Fix = null);

/// <summary>What <c>auralis serve</c> was asked for.</summary>
public sealed record WebServerOptions
{
    /// <summary>Library folders.</summary>
    public required IReadOnlyList<string> Libraries { get; init; }

    /// <summary>Where the library database lives.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The plugins.</summary>
    public required PluginCatalog Catalog { get; init; }

    /// <summary>Where each node's plugin runs (e.g. a plugin sandbox's <c>Place</c>, for <c>--isolation process</c>); null: in-process.</summary>
    public Func<Auralis.Engine.Graph.GraphNode, LoadedPlugin, LoadedPlugin>? PlacePlugin { get; init; }

    /// <summary>The doctor's checks, run when the page asks.</summary>
    public required Func<IReadOnlyList<HealthCheck>> Health { get; init; }

    /// <summary>Address to listen on; loopback unless the user explicitly asked otherwise.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>Port (0: any free port).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The page's files.</summary>
    public string AssetDirectory { get; init; } = WebAssets.DefaultDirectory;

    /// <summary>Chunking and caching.</summary>
    public StreamSettings Stream { get; init; } = new();

    /// <summary>The default port.</summary>
    public const int DefaultPort = 7680;
}

/// <summary>
/// The web player's server: the page's files, the library, chunked streams of original and enhanced audio, analyses and
/// health, over ASP.NET Core (Kestrel). Tracks are reachable only by their library id; no request path or parameter
/// ever names a file.
/// </summary>
public sealed class WebServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // JSON only, never inlined in HTML
    };

    private readonly WebApplication _app;

    private WebServer(WebApplication app, Uri address, LibraryDatabase database, LibraryScanner scanner)
    {
        _app = app;
        Address = address;
        Database = database;
        Scanner = scanner;
    }

    /// <summary>Where the page is.</summary>
    public Uri Address { get; }

    /// <summary>The library database.</summary>
    public LibraryDatabase Database { get; }

    /// <summary>The background scanner.</summary>
    public LibraryScanner Scanner { get; }

    /// <summary>Starts listening and starts the first library scan.</summary>
    /// <exception cref="FileNotFoundException">A web asset is missing.</exception>
    /// <exception cref="DirectoryNotFoundException">A library folder does not exist.</exception>
    /// <exception cref="IOException">The address is in use or not this machine's.</exception>
    public static async Task<WebServer> StartAsync(WebServerOptions options)
    {
        var assets = WebAssets.Load(options.AssetDirectory);
        var roots = new LibraryRoots(options.Libraries);
        var database = LibraryDatabase.Open(options.DataDirectory);
        var scanner = new LibraryScanner(database, roots);
        var plugins = new PluginAccess(options.Catalog) { PlacePlugin = options.PlacePlugin };
        var analyses = new TrackAnalysisService(database, plugins, Path.Combine(options.DataDirectory, "work"));
        var streams = new StreamService(analyses, plugins, options.Stream);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = options.DataDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(options.Address, options.Port));
        var app = builder.Build();
        var api = new Api(database, roots, scanner, analyses, streams, options.Health);

        if (IPAddress.IsLoopback(options.Address))
        {
            // A page on another site could reach a loopback server through a DNS name that resolves to 127.0.0.1
            // (DNS rebinding); only requests addressed to the loopback names themselves are answered.
            app.Use(async (context, next) =>
            {
                var host = context.Request.Host.Host;
                if (host is "127.0.0.1" or "localhost" or "[::1]" or "::1")
                {
                    await next(context);
                    return;
                }
                await Write(context, new ApiError(421, "wrong-host", $"this server answers only requests to 127.0.0.1 or localhost, not '{host}'"));
            });
        }

        foreach (var (name, bytes) in assets)
        {
            var type = WebAssets.Files[name];
            app.MapGet(name == "index.html" ? "/" : "/" + name, (HttpContext c) =>
            {
                c.Response.Headers.CacheControl = "no-cache";
                return Results.Bytes(bytes, type);
            });
        }
        app.MapGet("/api/library", api.Library);
        app.MapPost("/api/library/scan", api.Rescan);
        app.MapGet("/api/health", api.Health);
        app.MapGet("/api/tracks/{id:long}", api.Track);
        app.MapGet("/api/tracks/{id:long}/analysis", api.Analysis);
        app.MapGet("/api/tracks/{id:long}/waveform", api.Waveform);
        app.MapGet("/api/tracks/{id:long}/enhancement", api.Enhancement);
        app.MapGet("/api/tracks/{id:long}/enhanced-fingerprint", api.EnhancedFingerprint);
        app.MapGet("/api/tracks/{id:long}/chunks/{variant}/{index:int}", api.Chunk);
        app.MapFallback((HttpContext c) => Write(c, new ApiError(404, "not-found", "no such page or API")));

        try
        {
            await app.StartAsync();
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            await app.DisposeAsync();
            throw new IOException($"cannot listen on {options.Address}:{options.Port}: {e.Message}. Fix: choose another port with --port", e);
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(bound).Port;
        var shown = IPAddress.IsLoopback(options.Address) ? "127.0.0.1" : options.Address.ToString();
        var address = new Uri($"http://{(options.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{shown}]" : shown)}:{port}/");
        _ = scanner.StartScan();
        _ = Task.Run(() =>
        {
            try
            {
                analyses.WarmUp();
            }
            catch (PluginLoadException)
            {
                // Named again on the request that needs the plugins.
            }
        });
        return new WebServer(app, address, database, scanner);
    }

    /// <summary>Runs until <paramref name="stop"/> fires, then shuts down.</summary>
    public async Task RunUntilAsync(CancellationToken stop)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
        }
        await _app.StopAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static Task Write(HttpContext context, ApiError error)
    {
        context.Response.StatusCode = error.Status;
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(error, Json);
    }

    /// <summary>The request handlers; each one answers JSON or audio, or an <see cref="ApiError"/>.</summary>
    private sealed class Api(LibraryDatabase database, LibraryRoots roots, LibraryScanner scanner, TrackAnalysisService analyses,
        StreamService streams, Func<IReadOnlyList<HealthCheck>> health)
    {
        public IResult Library() => Results.Json(new
        {
            roots = roots.All,
            database = database.Path,
            scan = scanner.Progress,
            tracks = database.Tracks(roots.All.ToArray()).Select(Describe),
        }, Json);

        public IResult Rescan()
        {
            _ = scanner.StartScan();
            return Results.Json(scanner.Progress, Json);
        }

        public IResult Health()
        {
            var checks = health();
            return Results.Json(new { healthy = checks.All(c => c.Status != "fail"), checks }, Json);
        }

        public Task Track(HttpContext c, long id) => Guard(c, () =>
        {
            var track = Find(id);
            var layout = streams.Layout(track);
            return Task.FromResult(Results.Json(new
            {
                track = Describe(track),
                stream = new
                {
                    sample_rate = track.SampleRate,
                    channels = track.Channels,
                    frames = track.Frames,
                    chunk_frames = layout.ChunkFrames,
                    chunks = layout.Count,
                    preroll_frames = layout.PrerollFrames,
                    enhanced_chain = EnhancementRecipe.Chain,
                },
                cached = database.CachedKinds(track),
            }, Json));
        });

        public Task Analysis(HttpContext c, long id) => Guard(c, async () =>
        {
            var json = await analyses.OriginalAsync(Find(id));
            return Results.Text(json, "application/json");
        });

        public Task Waveform(HttpContext c, long id) => Guard(c, async () => Results.Text(await analyses.WaveformAsync(Find(id)), "application/json"));

        public Task Enhancement(HttpContext c, long id) => Guard(c, async () =>
        {
            var recipe = await analyses.EnhancementAsync(Find(id));
            return Results.Json(new
            {
                chain = EnhancementRecipe.Chain,
                plugin = EnhancementRecipe.EnhancerId,
                version = recipe.PluginVersion,
                parameters = recipe.Parameters,
                key = recipe.Key,
            }, Json);
        });

        public Task EnhancedFingerprint(HttpContext c, long id) => Guard(c, async () =>
        {
            var track = Find(id);
            var recipe = await analyses.EnhancementAsync(track);
            var json = await analyses.EnhancedAsync(track);
            return Results.Text($"{{\"enhancement\":{JsonSerializer.Serialize(recipe.Parameters)},\"analysis\":{json}}}", "application/json");
        });

        public Task Chunk(HttpContext c, long id, string variant, int index) => Guard(c, async () =>
        {
            var which = variant switch
            {
                "original" => StreamVariant.Original,
                "enhanced" => StreamVariant.Enhanced,
                _ => throw new ApiException(new ApiError(404, "not-found", $"no stream variant '{variant}' (original or enhanced)")),
            };
            var (chunk, cached) = await streams.GetAsync(Find(id), which, index);
            var h = c.Response.Headers;
            h["X-Auralis-Variant"] = variant;
            h["X-Auralis-Chunk"] = $"{chunk.Index + 1}/{chunk.Count}";
            h["X-Auralis-Start-Frame"] = chunk.StartFrame.ToString(CultureInfo.InvariantCulture);
            h["X-Auralis-Frames"] = chunk.Frames.ToString(CultureInfo.InvariantCulture);
            h["X-Auralis-Chain"] = chunk.Chain.Count == 0 ? "none (decoded file)" : string.Join(" -> ", chunk.Chain);
            h["X-Auralis-Render-Ms"] = chunk.RenderMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);
            h["X-Auralis-Cache"] = cached ? "hit" : "miss";
            h.CacheControl = "no-store";
            return Results.Bytes(chunk.Wav, WavChunk.ContentType);
        });

        // A track is served only while it is in the library: a known id whose file still lies inside a library folder.
        private Track Find(long id)
        {
            var track = database.Find(id);
            if (track is null || !roots.All.Contains(track.Root) || roots.RootOf(track.Path) != track.Root)
            {
                throw new ApiException(new ApiError(404, "not-in-library", $"there is no track {id} in the library"));
            }
            if (track.Error is { } error)
            {
                throw new ApiException(new ApiError(422, "audio-file", $"{track.Path} cannot be played: {error}"));
            }
            return track;
        }

        private static object Describe(Track t) => new
        {
            id = t.Id,
            title = t.Title,
            file = Path.GetFileName(t.Path),
            folder = Path.GetRelativePath(t.Root, Path.GetDirectoryName(t.Path)!),
            tags = t.Tags,
            duration_s = Math.Round(t.DurationSeconds, 3),
            sample_rate = t.SampleRate,
            channels = t.Channels,
            container = t.Container,
            encoding = t.Encoding,
            error = t.Error,
        };

        private static async Task Guard(HttpContext context, Func<Task<IResult>> handler)
        {
            IResult result;
            try
            {
                result = await handler();
            }
            catch (Exception e)
            {
                await Write(context, ApiError.From(e));
                return;
            }
            await result.ExecuteAsync(context);
        }
    }
}
