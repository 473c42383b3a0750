namespace Auralis.Web.Library;

/// <summary>
/// One audio file of the library as last scanned: where it is, how the file looked (size, modification time), its audio
/// facts and tags, or why it could not be read.
/// </summary>
public sealed record Track(
    long Id,
    string Path,
    string Root,
    long Size,
    long ModifiedTicks,
    int SampleRate,
    int Channels,
    long Frames,
    string Container,
    string Encoding,
    IReadOnlyDictionary<string, string> Tags,
    string? Error)
{
    /// <summary>Length in seconds.</summary>
    public double DurationSeconds => SampleRate > 0 ? Frames / (double)SampleRate : 0;

    /// <summary>What the file looked like when scanned; an analysis made from another stamp is stale.</summary>
    public string FileStamp => $"{Size}:{ModifiedTicks}";

    /// <summary>The title tag, else the file name.</summary>
    public string Title => Tags.TryGetValue("title", out var t) ? t : System.IO.Path.GetFileNameWithoutExtension(Path);
}
