using Auralis.Engine.Health;
using Auralis.Offline.SndFile;

namespace Auralis.Web.Library;

/// <summary>What a scan is doing, for the page's progress bar.</summary>
/// <param name="Scanning">True while a scan runs.</param>
/// <param name="FilesFound">Audio files found so far.</param>
/// <param name="FilesDone">Files checked so far (read or found unchanged).</param>
/// <param name="FilesRead">Files whose headers were read (new or changed).</param>
/// <param name="Current">The file being read.</param>
/// <param name="Scans">Scans finished since start-up.</param>
/// <param name="Problems">Files that could not be read, with the reason.</param>
public sealed record ScanProgress(bool Scanning, int FilesFound, int FilesDone, int FilesRead, string? Current, int Scans,
    IReadOnlyList<string> Problems);

/// <summary>
/// Scans the library folders in the background: finds audio files, reads the header and tags of new or changed ones
/// (size or modification time differ from the database), and forgets files that are gone.
/// </summary>
public sealed class LibraryScanner(LibraryDatabase database, LibraryRoots roots)
{
    /// <summary>File extensions scanned (what libsndfile reads here).</summary>
    public static readonly IReadOnlySet<string> AudioExtensions =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aif", ".aiff" };

    private readonly object _gate = new();
    private ScanProgress _progress = new(false, 0, 0, 0, null, 0, []);
    private Task _running = Task.CompletedTask;

    /// <summary>The current progress.</summary>
    public ScanProgress Progress
    {
        get
        {
            lock (_gate)
            {
                return _progress;
            }
        }
    }

    /// <summary>Starts a scan unless one is running; returns the running scan.</summary>
    public Task StartScan()
    {
        lock (_gate)
        {
            if (!_running.IsCompleted)
            {
                return _running;
            }
            _progress = _progress with { Scanning = true, FilesFound = 0, FilesDone = 0, FilesRead = 0, Current = null, Problems = [] };
            _running = Task.Run(Scan);
            return _running;
        }
    }

    private void Scan()
    {
        var problems = new List<string>();
        try
        {
            foreach (var root in roots.All)
            {
                var files = FindAudioFiles(root);
                Update(p => p with { FilesFound = p.FilesFound + files.Count });
                var present = new HashSet<string>(StringComparer.Ordinal);
                foreach (var file in files)
                {
                    present.Add(file);
                    var track = ScanFile(root, file);
                    if (track?.Error is { } error)
                    {
                        problems.Add($"{file}: {error}");
                    }
                    Update(p => p with { FilesDone = p.FilesDone + 1 });
                }
                database.RemoveMissing(root, present);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"scan stopped: {e.Message}");
        }
        catch (NativeDependencyException e)
        {
            problems.Add($"scan stopped: {e.Message}");
        }
        finally
        {
            Update(p => p with { Scanning = false, Current = null, Scans = p.Scans + 1, Problems = problems });
        }
    }

    // Regular files with an audio extension whose real location is inside this root (links out are ignored).
    private List<string> FindAudioFiles(string root)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.System };
        var files = new List<string>();
        foreach (var path in Directory.EnumerateFiles(root, "*", options))
        {
            if (AudioExtensions.Contains(Path.GetExtension(path)) && roots.RootOf(path) == root)
            {
                files.Add(path);
            }
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private Track? ScanFile(string root, string path)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            if (!info.Exists)
            {
                return null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var size = info.Length;
        var mtime = info.LastWriteTimeUtc.Ticks;
        var known = database.FindByPath(path);
        if (known is not null && known.Size == size && known.ModifiedTicks == mtime && known.Root == root)
        {
            return known;
        }
        Update(p => p with { Current = path, FilesRead = p.FilesRead + 1 });
        try
        {
            using var reader = AudioFileReader.Open(path);
            var a = reader.Info;
            return database.Upsert(new Track(0, path, root, size, mtime, a.SampleRate, a.Channels, a.Frames, a.Container, a.Encoding,
                a.Tags, a.Channels > 2 ? $"{a.Channels} channels: Auralis plays mono and stereo files" : null));
        }
        catch (AudioFileException e)
        {
            // The message starts with the path, which the listing shows already.
            var reason = e.Message.StartsWith(e.FilePath + ": ", StringComparison.Ordinal) ? e.Message[(e.FilePath.Length + 2)..] : e.Message;
            return database.Upsert(new Track(0, path, root, size, mtime, 0, 0, 0, Path.GetExtension(path).TrimStart('.').ToLowerInvariant(), "",
                new Dictionary<string, string>(), reason));
        }
    }

    private void Update(Func<ScanProgress, ScanProgress> change)
    {
        lock (_gate)
        {
            _progress = change(_progress);
        }
    }
}
