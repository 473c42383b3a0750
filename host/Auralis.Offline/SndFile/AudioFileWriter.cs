using static Auralis.Offline.SndFile.SndFileNative;

namespace Auralis.Offline.SndFile;

/// <summary>Sample encodings Auralis writes.</summary>
public enum SampleEncoding
{
    /// <summary>The container's natural choice: 32-bit float for WAV, 24-bit for FLAC, Vorbis for OGG.</summary>
    Default,
    /// <summary>16-bit integer PCM.</summary>
    Pcm16,
    /// <summary>24-bit integer PCM.</summary>
    Pcm24,
    /// <summary>32-bit integer PCM.</summary>
    Pcm32,
    /// <summary>32-bit IEEE float.</summary>
    Float,
}

/// <summary>An output file format: container from the file extension, plus an encoding.</summary>
public sealed record AudioOutputFormat(string Container, int SndFileFormat)
{
    /// <summary>Chooses the format for <paramref name="path"/> by its extension (.wav, .flac, .ogg).</summary>
    /// <exception cref="AudioFileException">The extension or encoding cannot be written.</exception>
    public static AudioOutputFormat ForPath(string path, SampleEncoding encoding = SampleEncoding.Default)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        (string container, int format, SampleEncoding[] allowed) = ext switch
        {
            ".wav" => ("wav", FormatWav, new[] { SampleEncoding.Pcm16, SampleEncoding.Pcm24, SampleEncoding.Pcm32, SampleEncoding.Float }),
            ".flac" => ("flac", FormatFlac, new[] { SampleEncoding.Pcm16, SampleEncoding.Pcm24 }),
            ".ogg" or ".oga" => ("ogg", FormatOgg, Array.Empty<SampleEncoding>()),
            ".mp3" => throw new AudioFileException(AudioFileErrorKind.Unsupported, path,
                "MP3 is read but not written; write .wav, .flac or .ogg", isOutput: true),
            _ => throw new AudioFileException(AudioFileErrorKind.Unsupported, path,
                $"cannot tell the output format from '{ext}'; use .wav, .flac or .ogg", isOutput: true),
        };
        if (encoding != SampleEncoding.Default && !allowed.Contains(encoding))
        {
            throw new AudioFileException(AudioFileErrorKind.Unsupported, path, $"{container} cannot be written as {encoding}", isOutput: true);
        }
        var sub = (container, encoding) switch
        {
            ("ogg", _) => SubVorbis,
            ("wav", SampleEncoding.Default) => SubFloat,
            ("flac", SampleEncoding.Default) => SubPcm24,
            (_, SampleEncoding.Pcm16) => SubPcm16,
            (_, SampleEncoding.Pcm24) => SubPcm24,
            (_, SampleEncoding.Pcm32) => SubPcm32,
            _ => SubFloat,
        };
        return new AudioOutputFormat(container, format | sub);
    }

    /// <summary>The encoding's short name, e.g. <c>float</c>.</summary>
    public string Encoding => AudioFileReader.EncodingName(SndFileFormat);
}

/// <summary>
/// Writes an audio file atomically: samples go to a hidden temporary file beside the target, which replaces the target
/// by rename only on <see cref="Commit"/>. Disposing without committing deletes the temporary file, so a failed or
/// interrupted job never leaves a partial file under the output name.
/// </summary>
public sealed class AudioFileWriter : IDisposable
{
    private IntPtr _handle;
    private float[] _interleaved = [];
    private bool _committed;

    private AudioFileWriter(IntPtr handle, string path, string tempPath, int channels, int sampleRate, AudioOutputFormat format)
    {
        _handle = handle;
        FinalPath = path;
        TempPath = tempPath;
        Channels = channels;
        SampleRate = sampleRate;
        Format = format;
    }

    /// <summary>Where the file will be once committed.</summary>
    public string FinalPath { get; }

    /// <summary>Where samples go until then.</summary>
    public string TempPath { get; }

    /// <summary>Channel count.</summary>
    public int Channels { get; }

    /// <summary>Samples per second.</summary>
    public int SampleRate { get; }

    /// <summary>The format written.</summary>
    public AudioOutputFormat Format { get; }

    /// <summary>Frames written so far.</summary>
    public long FramesWritten { get; private set; }

    /// <summary>Starts writing <paramref name="path"/>.</summary>
    /// <param name="path">Target path; its directory must exist.</param>
    /// <param name="format">Container and encoding.</param>
    /// <param name="sampleRate">Samples per second.</param>
    /// <param name="channels">1 or more.</param>
    /// <param name="mustNotBe">An input path the output must not replace.</param>
    public static AudioFileWriter Create(string path, AudioOutputFormat format, int sampleRate, int channels, string? mustNotBe = null)
    {
        SndFileLibrary.Require();
        var full = Path.GetFullPath(path);
        if (mustNotBe is not null && SameFile(full, mustNotBe))
        {
            throw new AudioFileException(AudioFileErrorKind.WriteFailed, full, "the output would overwrite the input; choose another output path");
        }
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir))
        {
            throw new AudioFileException(AudioFileErrorKind.WriteFailed, full, $"the output directory {dir} does not exist");
        }
        if (Directory.Exists(full))
        {
            throw new AudioFileException(AudioFileErrorKind.WriteFailed, full, "is a directory");
        }
        // A device or pipe is written in place (see OutputTarget): TempPath is then the target itself.
        var inPlace = OutputTarget.IsDeviceOrPipe(full);
        if (!inPlace)
        {
            RemoveStaleTemporaries(dir, Path.GetFileName(full));
        }
        var temp = inPlace ? full : Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.partial");
        var info = new Info { SampleRate = sampleRate, Channels = channels, Format = format.SndFileFormat };
        if (FormatCheck(ref info) == 0)
        {
            throw new AudioFileException(AudioFileErrorKind.Unsupported, full,
                $"libsndfile cannot write {format.Container}/{format.Encoding} with {channels} channels at {sampleRate} Hz", isOutput: true);
        }
        var handle = Open(temp, ModeWrite, ref info);
        if (handle == IntPtr.Zero)
        {
            var why = ErrorText(IntPtr.Zero);
            if (!inPlace)
            {
                TryDelete(temp);
            }
            throw new AudioFileException(AudioFileErrorKind.WriteFailed, full, $"cannot create the output: {why}");
        }
        unsafe
        {
            // Integer encodings: clip rather than wrap samples beyond full scale.
            var on = 1;
            _ = Command(handle, CommandSetClipping, null, on);
            if (format.Container == "ogg")
            {
                var quality = 0.6;
                _ = Command(handle, CommandSetVbrQuality, &quality, sizeof(double));
            }
        }
        return new AudioFileWriter(handle, full, temp, channels, sampleRate, format);
    }

    /// <summary>Appends <paramref name="frames"/> frames from per-channel arrays.</summary>
    public unsafe void Write(IReadOnlyList<float[]> channels, int offset, int frames)
    {
        ObjectDisposedException.ThrowIf(_handle == IntPtr.Zero, this);
        if (frames == 0)
        {
            return;
        }
        var n = Channels;
        if (_interleaved.Length < frames * n)
        {
            _interleaved = new float[frames * n];
        }
        for (var c = 0; c < n; c++)
        {
            var src = channels[c];
            for (int i = 0, k = c; i < frames; i++, k += n)
            {
                _interleaved[k] = src[offset + i];
            }
        }
        long written;
        fixed (float* p = _interleaved)
        {
            written = WriteFramesFloat(_handle, p, frames);
        }
        if (written != frames)
        {
            throw new AudioFileException(AudioFileErrorKind.WriteFailed, FinalPath, $"writing failed: {ErrorText(_handle)}");
        }
        FramesWritten += frames;
    }

    /// <summary>Closes the file and moves it into place in one rename.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_handle == IntPtr.Zero, this);
        var error = Close(_handle);
        _handle = IntPtr.Zero;
        if (error != 0)
        {
            AbandonTemporary();
            throw new AudioFileException(AudioFileErrorKind.WriteFailed, FinalPath, $"finishing the file failed (libsndfile error {error})");
        }
        try
        {
            if (!InPlace)
            {
                File.Move(TempPath, FinalPath, overwrite: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            AbandonTemporary();
            throw new AudioFileException(AudioFileErrorKind.WriteFailed, FinalPath, $"cannot move the finished file into place: {e.Message}");
        }
        _committed = true;
    }

    /// <summary>Abandons an uncommitted file (deletes the temporary).</summary>
    public void Dispose()
    {
        if (_handle != IntPtr.Zero)
        {
            _ = Close(_handle);
            _handle = IntPtr.Zero;
        }
        if (!_committed)
        {
            AbandonTemporary();
        }
    }

    /// <summary>True when the two paths name the same file (after resolving symbolic links).</summary>
    public static bool SameFile(string a, string b)
    {
        static string Resolve(string p)
        {
            var full = Path.GetFullPath(p);
            try
            {
                return File.Exists(full) ? (new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full) : full;
            }
            catch (IOException)
            {
                return full;
            }
        }
        return string.Equals(Resolve(a), Resolve(b), StringComparison.Ordinal);
    }

    /// <summary>
    /// Deletes temporaries a killed job left for this output (<c>.NAME.PID.GUID.partial</c>) when their process is gone.
    /// A live job's temporary is never touched, so two jobs writing the same name do not hurt each other.
    /// </summary>
    public static int RemoveStaleTemporaries(string directory, string fileName)
    {
        var removed = 0;
        string[] candidates;
        try
        {
            candidates = Directory.GetFiles(directory, $".{fileName}.*.partial");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
        foreach (var path in candidates)
        {
            var middle = Path.GetFileName(path)[(fileName.Length + 2)..^".partial".Length].Split('.');
            if (middle.Length == 2 && int.TryParse(middle[0], out var pid) && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
            {
                TryDelete(path);
                removed++;
            }
        }
        return removed;
    }

    /// <summary>True when the target is a device or pipe, written directly instead of by rename.</summary>
    public bool InPlace => TempPath == FinalPath;

    private void AbandonTemporary()
    {
        if (!InPlace)
        {
            TryDelete(TempPath);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
