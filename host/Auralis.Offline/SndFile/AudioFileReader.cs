using System.Runtime.InteropServices;
using Auralis.Engine.Realtime;
using static Auralis.Offline.SndFile.SndFileNative;

namespace Auralis.Offline.SndFile;

/// <summary>What is known about an audio file once opened.</summary>
/// <param name="Path">Full path.</param>
/// <param name="SampleRate">Samples per second.</param>
/// <param name="Channels">Channel count.</param>
/// <param name="Frames">Frames as the header states them.</param>
/// <param name="Container">e.g. <c>wav</c>, <c>flac</c>, <c>ogg</c>, <c>mp3</c>.</param>
/// <param name="Encoding">e.g. <c>pcm16</c>, <c>float</c>, <c>vorbis</c>.</param>
/// <param name="Tags">Title, artist, album, date, genre, track when present.</param>
public sealed record AudioFileInfo(string Path, int SampleRate, int Channels, long Frames, string Container, string Encoding,
    IReadOnlyDictionary<string, string> Tags)
{
    /// <summary>Length in seconds.</summary>
    public double DurationSeconds => SampleRate > 0 ? Frames / (double)SampleRate : 0;
}

/// <summary>
/// Reads an audio file through libsndfile as deinterleaved float channels. WAV (8/16/24/32-bit int, float, double),
/// FLAC, OGG/Vorbis, Opus and MP3 are read; anything libsndfile cannot read is an <see cref="AudioFileException"/>.
/// libsndfile opens every file and says what it is; the samples of Ogg Vorbis come from libavcodec instead of libvorbis
/// (<see cref="VorbisDecoder"/>: the same samples to float rounding, decoded 1.6-2.1× faster).
/// </summary>
public sealed class AudioFileReader : IDisposable
{
    /// <summary>Sample rates outside this range are refused as absurd.</summary>
    public const int MinSampleRate = 8000, MaxSampleRate = 384000;

    private IntPtr _handle;
    private VorbisDecoder? _vorbis;
    private bool _disposed;
    private float[] _samples = [];
    private long _framesRead;

    private AudioFileReader(IntPtr handle, VorbisDecoder? vorbis, AudioFileInfo info)
    {
        _handle = handle;
        _vorbis = vorbis;
        Info = info;
    }

    /// <summary>The file's facts.</summary>
    public AudioFileInfo Info { get; }

    /// <summary>Frames returned so far.</summary>
    public long FramesRead => _framesRead;

    /// <summary>Opens a file for reading.</summary>
    /// <exception cref="AudioFileException">Missing, unreadable, empty or unsupported; named.</exception>
    /// <exception cref="Auralis.Engine.Health.NativeDependencyException">libsndfile, or for Ogg Vorbis libavcodec, is missing.</exception>
    public static AudioFileReader Open(string path)
    {
        SndFileLibrary.Require();
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new AudioFileException(AudioFileErrorKind.Unreadable, full, "is a directory, not an audio file");
        }
        if (!File.Exists(full))
        {
            throw new AudioFileException(AudioFileErrorKind.NotFound, full, "no such file");
        }
        if (new FileInfo(full).Length == 0)
        {
            throw new AudioFileException(AudioFileErrorKind.Empty, full, "the file is empty (0 bytes)");
        }
        var info = new Info();
        var handle = SndFileNative.Open(full, ModeRead, ref info);
        if (handle == IntPtr.Zero)
        {
            throw new AudioFileException(AudioFileErrorKind.Unreadable, full, $"not a readable audio file: {ErrorText(IntPtr.Zero)}");
        }
        try
        {
            if (info.Channels < 1)
            {
                throw new AudioFileException(AudioFileErrorKind.Unreadable, full, $"the header declares {info.Channels} channels");
            }
            if (info.SampleRate is < MinSampleRate or > MaxSampleRate)
            {
                throw new AudioFileException(AudioFileErrorKind.Unsupported, full,
                    $"sample rate {info.SampleRate} Hz is outside {MinSampleRate}..{MaxSampleRate} Hz");
            }
            if (info.Frames <= 0)
            {
                throw new AudioFileException(AudioFileErrorKind.Empty, full, "the file contains no audio frames");
            }
            CheckHeaderAgainstData(handle, full, info);
            var facts = new AudioFileInfo(full, info.SampleRate, info.Channels, info.Frames,
                ContainerName(info.Format), EncodingName(info.Format), ReadTags(handle));
            if ((info.Format & TypeMask) == FormatOgg && (info.Format & SubMask) == SubVorbis)
            {
                var vorbis = VorbisDecoder.Open(full);
                if (vorbis.SampleRate != info.SampleRate || vorbis.Channels != info.Channels)
                {
                    vorbis.Dispose();
                    throw new AudioFileException(AudioFileErrorKind.Unreadable, full,
                        $"libsndfile reads {info.Channels} channels at {info.SampleRate} Hz but libavcodec {vorbis.Channels} at {vorbis.SampleRate} Hz");
                }
                return new AudioFileReader(IntPtr.Zero, vorbis, facts); // the finally closes libsndfile's handle
            }
            var result = new AudioFileReader(handle, null, facts);
            handle = IntPtr.Zero;
            return result;
        }
        finally
        {
            if (handle != IntPtr.Zero)
            {
                _ = Close(handle);
            }
        }
    }

    /// <summary>
    /// Reads up to <paramref name="frames"/> frames into <paramref name="channels"/> (one array per channel, each at
    /// least that long). Returns the frames read; 0 at the end.
    /// </summary>
    /// <exception cref="AudioFileException">The file is damaged or ends before its header says it should.</exception>
    public unsafe int Read(float[][] channels, int frames)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var channelCount = Info.Channels;
        if (channels.Length != channelCount)
        {
            throw new ArgumentException($"expected {channelCount} channel buffers, got {channels.Length}", nameof(channels));
        }
        if (_samples.Length < frames * channelCount)
        {
            _samples = new float[frames * channelCount];
        }
        long got;
        if (_vorbis is not null)
        {
            got = _vorbis.Read(_samples, frames, frames); // planar: channel c at c × frames
        }
        else
        {
            fixed (float* p = _samples)
            {
                got = ReadFramesFloat(_handle, p, frames);
            }
            if (got < 0 || SndFileNative.Error(_handle) != 0)
            {
                throw new AudioFileException(AudioFileErrorKind.Unreadable, Info.Path, $"reading failed after {_framesRead} frames: {ErrorText(_handle)}");
            }
        }
        // Uncompressed and FLAC headers state the length; for Ogg (Vorbis, Opus) and MP3 libsndfile estimates it from
        // the stream (the last page's granule position), and ordinary files decode a few thousand frames short of it
        // (seen: Debian's wesnoth music). There the decoded audio is the file.
        if (got == 0 && _framesRead < Info.Frames && Info.Container is not ("mp3" or "ogg"))
        {
            throw new AudioFileException(AudioFileErrorKind.Truncated, Info.Path,
                $"the file ends after {_framesRead} of the {Info.Frames} frames its header promises");
        }
        var n = (int)got;
        var src = _samples;
        if (_vorbis is not null)
        {
            for (var c = 0; c < channelCount; c++)
            {
                var plane = src.AsSpan(c * frames, n);
                CheckFinite(plane, c, 1);
                plane.CopyTo(channels[c]);
            }
            _framesRead += n;
            return n;
        }
        // A float file can hold NaN or ±Inf; processed, one would poison every plugin's state. Refuse the file instead.
        CheckFinite(src.AsSpan(0, n * channelCount), 0, channelCount);
        if (channelCount == 1)
        {
            src.AsSpan(0, n).CopyTo(channels[0]);
        }
        else
        {
            for (var c = 0; c < channelCount; c++)
            {
                var dst = channels[c];
                for (int i = 0, k = c; i < n; i++, k += channelCount)
                {
                    dst[i] = src[k];
                }
            }
        }
        _framesRead += n;
        return n;
    }

    // Samples of `channelCount` interleaved channels starting at `firstChannel`, or one channel's plane (count 1).
    private void CheckFinite(ReadOnlySpan<float> samples, int firstChannel, int channelCount)
    {
        if (SampleScan.AllFinite(samples))
        {
            return;
        }
        var bad = FirstNonFinite(samples);
        if (bad >= 0)
        {
            throw new AudioFileException(AudioFileErrorKind.Unreadable, Info.Path,
                $"sample {_framesRead + bad / channelCount} of channel {firstChannel + bad % channelCount + 1} is {samples[bad]}: the file is damaged");
        }
    }

    private static int FirstNonFinite(ReadOnlySpan<float> samples)
    {
        for (var i = 0; i < samples.Length; i++)
        {
            if (!float.IsFinite(samples[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>
    /// Moves the read position to frame <paramref name="frame"/> (0 ≤ frame ≤ <see cref="AudioFileInfo.Frames"/>), so a
    /// stream can start mid-file. Reads after a seek return the same samples a sequential read returns there.
    /// </summary>
    /// <exception cref="AudioFileException">The file cannot seek there.</exception>
    public void Seek(long frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(frame);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(frame, Info.Frames);
        if (_vorbis is not null)
        {
            _vorbis.Seek(frame);
            _framesRead = frame;
            return;
        }
        var at = SndFileNative.Seek(_handle, frame, SeekSet);
        if (at != frame)
        {
            throw new AudioFileException(AudioFileErrorKind.Unreadable, Info.Path, $"cannot seek to frame {frame}: {ErrorText(_handle)}");
        }
        _framesRead = frame;
    }

    /// <summary>Reads the whole file into memory (one array per channel).</summary>
    public static float[][] ReadAll(string path, out AudioFileInfo info)
    {
        using var reader = Open(path);
        info = reader.Info;
        var total = checked((int)Math.Min(reader.Info.Frames, int.MaxValue));
        var result = new float[reader.Info.Channels][];
        for (var c = 0; c < result.Length; c++)
        {
            result[c] = new float[total];
        }
        var block = new float[result.Length][];
        for (var c = 0; c < block.Length; c++)
        {
            block[c] = new float[65536];
        }
        var at = 0;
        int n;
        while ((n = reader.Read(block, 65536)) > 0)
        {
            if (at + n > total)
            {
                n = total - at;
            }
            for (var c = 0; c < result.Length; c++)
            {
                block[c].AsSpan(0, n).CopyTo(result[c].AsSpan(at));
            }
            at += n;
            if (at == total)
            {
                break;
            }
        }
        if (at < total)
        {
            for (var c = 0; c < result.Length; c++)
            {
                Array.Resize(ref result[c], at);
            }
            info = info with { Frames = at };
        }
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        _vorbis?.Dispose();
        _vorbis = null;
        if (_handle != IntPtr.Zero)
        {
            _ = Close(_handle);
            _handle = IntPtr.Zero;
        }
    }

    // libsndfile quietly shortens a WAV whose data chunk claims more bytes than the file holds; its log says so. We
    // refuse such a file instead of processing part of it as if it were whole.
    private static unsafe void CheckHeaderAgainstData(IntPtr handle, string path, Info info)
    {
        var container = info.Format & TypeMask;
        if (container is not (FormatWav or FormatWavEx or FormatRf64 or FormatAiff))
        {
            return;
        }
        var log = new byte[8192];
        int length;
        fixed (byte* p = log)
        {
            length = Command(handle, CommandGetLogInfo, p, log.Length);
        }
        var text = System.Text.Encoding.ASCII.GetString(log, 0, Math.Clamp(length, 0, log.Length));
        foreach (var line in text.Split('\n'))
        {
            // A float WAV without a 'fact' chunk is common and harmless (libsndfile only notes it).
            if (line.Contains("'fact' chunk", StringComparison.Ordinal))
            {
                continue;
            }
            if (line.Contains("should be", StringComparison.Ordinal) || line.Contains("Truncated", StringComparison.OrdinalIgnoreCase)
                || line.Contains("*** ", StringComparison.Ordinal))
            {
                throw new AudioFileException(AudioFileErrorKind.Truncated, path, $"the header does not match the data ({line.Trim()})");
            }
        }
    }

    private static Dictionary<string, string> ReadTags(IntPtr handle)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, type) in new[] { ("title", StringTitle), ("artist", StringArtist), ("album", StringAlbum),
                     ("date", StringDate), ("genre", StringGenre), ("track", StringTrackNumber) })
        {
            var text = Marshal.PtrToStringUTF8(GetString(handle, type));
            if (!string.IsNullOrWhiteSpace(text))
            {
                tags[key] = text.Trim();
            }
        }
        return tags;
    }

    internal static string ContainerName(int format) => (format & TypeMask) switch
    {
        FormatWav or FormatWavEx => "wav",
        FormatRf64 => "rf64",
        FormatAiff => "aiff",
        FormatFlac => "flac",
        FormatOgg => "ogg",
        FormatMpeg => "mp3",
        var other => $"0x{other:x6}",
    };

    internal static string EncodingName(int format) => (format & SubMask) switch
    {
        SubPcmS8 or SubPcmU8 => "pcm8",
        SubPcm16 => "pcm16",
        SubPcm24 => "pcm24",
        SubPcm32 => "pcm32",
        SubFloat => "float",
        SubDouble => "double",
        SubVorbis => "vorbis",
        SubOpus => "opus",
        SubMpegLayer1 or SubMpegLayer2 or SubMpegLayer3 => "mpeg",
        var other => $"0x{other:x4}",
    };
}
