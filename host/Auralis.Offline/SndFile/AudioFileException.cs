namespace Auralis.Offline.SndFile;

/// <summary>Why an audio file cannot be read or written.</summary>
public enum AudioFileErrorKind
{
    /// <summary>No file at that path.</summary>
    NotFound,
    /// <summary>Not an audio format libsndfile knows, or damaged beyond reading.</summary>
    Unreadable,
    /// <summary>The file holds no audio frames.</summary>
    Empty,
    /// <summary>The file ends before the audio its header promises.</summary>
    Truncated,
    /// <summary>Readable, but not something Auralis processes (channel count, sample rate, output format).</summary>
    Unsupported,
    /// <summary>Writing failed (disk full, permissions), or the output would replace the input.</summary>
    WriteFailed,
}

/// <summary>An audio file problem with the path and the reason named.</summary>
public sealed class AudioFileException(AudioFileErrorKind kind, string path, string message, bool isOutput = false)
    : Exception($"{path}: {message}")
{
    /// <summary>True when the problem is with the file being written rather than the one being read.</summary>
    public bool IsOutput { get; } = isOutput || kind == AudioFileErrorKind.WriteFailed;

    /// <summary>Why.</summary>
    public AudioFileErrorKind Kind { get; } = kind;

    /// <summary>The file concerned.</summary>
    public string FilePath { get; } = path;
}
