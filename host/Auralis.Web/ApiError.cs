using Auralis.Engine.Graph;
using Auralis.Engine.Health;
using Auralis.Engine.Plugins;
using Auralis.Offline;
using Auralis.Offline.SndFile;

namespace Auralis.Web;

/// <summary>
/// A failed request as the page sees it: HTTP status, a machine-readable code and the same named message the command
/// line prints (plugin id, path, fix). Every failure of a stream request becomes one of these; none becomes audio.
/// </summary>
public sealed record ApiError(int Status, string Error, string Message, string? Plugin = null, string? Path = null, string? Fix = null)
{
    /// <summary>Turns a known failure into its response; unknown ones are internal errors with their message.</summary>
    public static ApiError From(Exception e) => e switch
    {
        PluginLoadException p => new ApiError(503, "plugin-unavailable", p.Message, p.Error.PluginId, p.Error.Path, p.Error.Fix),
        NativeDependencyException n => new ApiError(503, "native-library-missing", n.Message, null, n.Dependency.LibraryName, n.Dependency.Fix),
        PluginFailedException f => new ApiError(500, "plugin-failed", f.Message),
        AudioFileException a => new ApiError(a.Kind == AudioFileErrorKind.NotFound ? 404 : 422, "audio-file", a.Message),
        GraphException g => new ApiError(500, "graph", g.Message),
        InvalidDataException d => new ApiError(500, "invalid-data", d.Message),
        ApiException a => a.Error,
        ArgumentOutOfRangeException r => new ApiError(404, "out-of-range", r.Message),
        _ => new ApiError(500, "internal", $"{e.GetType().Name}: {e.Message}"),
    };
}

/// <summary>A request that cannot be answered, with the response it gets (e.g. a track that is not in the library).</summary>
public sealed class ApiException(ApiError error) : Exception(error.Message)
{
    /// <summary>The response.</summary>
    public ApiError Error { get; } = error;
}
