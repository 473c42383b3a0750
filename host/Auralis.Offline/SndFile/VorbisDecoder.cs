using System.Runtime.InteropServices;
using Auralis.Engine.Health;

namespace Auralis.Offline.SndFile;

/// <summary>
/// The samples of an Ogg Vorbis file, decoded by libavcodec through Auralis's native shim (libauralis_decode.so, built
/// from host/Auralis.Offline.Native/auralis_decode.c), as planar float in the file's channel order. libsndfile still
/// opens the file and says what it is (<see cref="AudioFileReader"/>); this only replaces libvorbis, whose decoding was
/// most of a whole-track analysis (docs/benchmarks.md). The shim reads the Ogg pages itself, so a seek is exact: the
/// samples after it are the ones a read from the start returns there.
/// </summary>
public sealed partial class VorbisDecoder : IDisposable
{
    private const string Shim = "libauralis_decode.so";

    private IntPtr _decoder;

    private VorbisDecoder(IntPtr decoder, string path)
    {
        _decoder = decoder;
        Path = path;
        Channels = auralis_decode_channels(decoder);
        SampleRate = auralis_decode_sample_rate(decoder);
    }

    /// <summary>libavcodec, from Debian: named on its own so its absence says which package to install.</summary>
    public static NativeDependency Codec { get; } =
        new("libavcodec.so.59", "decoding Ogg Vorbis files", "libavcodec59", Required: true);

    /// <summary>The shim Auralis ships next to its executable.</summary>
    public static NativeDependency Bridge { get; } =
        new(Shim, "decoding Ogg Vorbis files: Auralis's bridge to libavcodec", "auralis", Required: true,
            FixText: "reinstall Auralis: the library ships in its folder, next to the auralis executable");

    /// <summary>Throws <see cref="NativeDependencyException"/> when libavcodec or the shim cannot be loaded — libavcodec
    /// first: without it the shim cannot load either, and the fix is the system package.</summary>
    public static void Require()
    {
        Codec.Require();
        Bridge.Require();
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Channels, in the file's order.</summary>
    public int Channels { get; }

    /// <summary>Samples per second.</summary>
    public int SampleRate { get; }

    /// <summary>Opens the Vorbis stream of <paramref name="path"/>.</summary>
    /// <exception cref="NativeDependencyException">libavcodec or the shim is missing.</exception>
    /// <exception cref="AudioFileException">The file is not an Ogg Vorbis stream the decoder accepts, or is damaged.</exception>
    public static unsafe VorbisDecoder Open(string path)
    {
        Require();
        var error = stackalloc byte[512];
        var decoder = auralis_decode_open(path, error, 512);
        if (decoder == IntPtr.Zero)
        {
            throw new AudioFileException(AudioFileErrorKind.Unreadable, path,
                $"libavcodec cannot decode it: {Marshal.PtrToStringUTF8((IntPtr)error)}");
        }
        return new VorbisDecoder(decoder, path);
    }

    /// <summary>
    /// Reads up to <paramref name="frames"/> frames into <paramref name="planar"/>, channel c at c × <paramref name="stride"/>.
    /// Returns the frames read; 0 at the end.
    /// </summary>
    /// <exception cref="AudioFileException">The file is damaged.</exception>
    public unsafe int Read(float[] planar, int stride, int frames)
    {
        ObjectDisposedException.ThrowIf(_decoder == IntPtr.Zero, this);
        if (frames > stride || (long)stride * Channels > planar.Length)
        {
            throw new ArgumentException($"{Channels} channels of {frames} frames do not fit {planar.Length} samples at stride {stride}");
        }
        int got;
        fixed (float* p = planar)
        {
            got = auralis_decode_read(_decoder, p, stride, frames);
        }
        return got >= 0 ? got : throw Failure("reading failed");
    }

    /// <summary>Moves to frame <paramref name="frame"/>; the next read returns the samples a read from the start returns there.</summary>
    /// <exception cref="AudioFileException">The file cannot seek there.</exception>
    public void Seek(long frame)
    {
        ObjectDisposedException.ThrowIf(_decoder == IntPtr.Zero, this);
        if (auralis_decode_seek(_decoder, frame) < 0)
        {
            throw Failure($"cannot seek to frame {frame}");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_decoder != IntPtr.Zero)
        {
            auralis_decode_close(_decoder);
            _decoder = IntPtr.Zero;
        }
    }

    private AudioFileException Failure(string what) =>
        new(AudioFileErrorKind.Unreadable, Path, $"{what}: {Marshal.PtrToStringUTF8(auralis_decode_error(_decoder))}");

    [LibraryImport(Shim, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial IntPtr auralis_decode_open(string path, byte* error, int errorSize);

    [LibraryImport(Shim)]
    private static partial void auralis_decode_close(IntPtr decoder);

    [LibraryImport(Shim)]
    private static partial int auralis_decode_channels(IntPtr decoder);

    [LibraryImport(Shim)]
    private static partial int auralis_decode_sample_rate(IntPtr decoder);

    [LibraryImport(Shim)]
    private static unsafe partial int auralis_decode_read(IntPtr decoder, float* destination, int stride, int frames);

    [LibraryImport(Shim)]
    private static partial int auralis_decode_seek(IntPtr decoder, long frame);

    [LibraryImport(Shim)]
    private static partial IntPtr auralis_decode_error(IntPtr decoder);
}
