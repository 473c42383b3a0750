namespace Auralis.Web;

/// <summary>
/// The page's files. They live in <c>wwwroot/</c> next to the executable and are served from this fixed list only:
/// no request path ever reaches the file system. A missing file is a named error at start-up, in doctor and in the
/// package check.
/// </summary>
public static class WebAssets
{
    /// <summary>The folder, relative to the installation root.</summary>
    public const string FolderName = "wwwroot";

    /// <summary>Every file the page needs, with its media type.</summary>
    public static readonly IReadOnlyDictionary<string, string> Files = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["app.js"] = "text/javascript; charset=utf-8",
        ["plots.js"] = "text/javascript; charset=utf-8",
        ["style.css"] = "text/css; charset=utf-8",
    };

    /// <summary>The assets folder of the installation that runs this code.</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, FolderName);

    /// <summary>The full paths of the files missing from <paramref name="directory"/>.</summary>
    public static IReadOnlyList<string> Missing(string directory) =>
        Files.Keys.Select(f => Path.Combine(directory, f)).Where(p => !File.Exists(p)).ToList();

    /// <summary>Reads every file into memory.</summary>
    /// <exception cref="FileNotFoundException">A file is missing (the first one, named, with the fix).</exception>
    public static IReadOnlyDictionary<string, byte[]> Load(string directory)
    {
        if (Missing(directory) is [var first, ..])
        {
            throw new FileNotFoundException($"web asset {first} is missing: the installation is incomplete. Fix: reinstall Auralis", first);
        }
        return Files.Keys.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(directory, f)), StringComparer.Ordinal);
    }
}
