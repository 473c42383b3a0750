using System.Runtime.InteropServices;

namespace Auralis.Offline.SndFile;

/// <summary>P/Invoke declarations for Debian's libsndfile1 (the subset Auralis uses).</summary>
internal static partial class SndFileNative
{
    public const string Library = "libsndfile.so.1";

    public const int ModeRead = 0x10;
    public const int ModeWrite = 0x20;

    public const int FormatWav = 0x010000;
    public const int FormatAiff = 0x020000;
    public const int FormatWavEx = 0x130000;
    public const int FormatFlac = 0x170000;
    public const int FormatOgg = 0x200000;
    public const int FormatRf64 = 0x220000;
    public const int FormatMpeg = 0x230000;
    public const int TypeMask = 0x0FFF0000;
    public const int SubMask = 0x0000FFFF;

    public const int SubPcmS8 = 0x0001;
    public const int SubPcm16 = 0x0002;
    public const int SubPcm24 = 0x0003;
    public const int SubPcm32 = 0x0004;
    public const int SubPcmU8 = 0x0005;
    public const int SubFloat = 0x0006;
    public const int SubDouble = 0x0007;
    public const int SubVorbis = 0x0060;
    public const int SubOpus = 0x0064;
    public const int SubMpegLayer1 = 0x0080;
    public const int SubMpegLayer2 = 0x0081;
    public const int SubMpegLayer3 = 0x0082;

    public const int CommandGetLogInfo = 0x1001;
    public const int CommandSetClipping = 0x10C0;
    public const int CommandSetVbrQuality = 0x1300;
    public const int CommandSetCompressionLevel = 0x1301;

    public const int StringTitle = 0x01;
    public const int StringArtist = 0x04;
    public const int StringDate = 0x06;
    public const int StringAlbum = 0x07;
    public const int StringTrackNumber = 0x09;
    public const int StringGenre = 0x10;

    [StructLayout(LayoutKind.Sequential)]
    public struct Info
    {
        public long Frames;
        public int SampleRate;
        public int Channels;
        public int Format;
        public int Sections;
        public int Seekable;
    }

    [LibraryImport(Library, EntryPoint = "sf_open", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr Open(string path, int mode, ref Info info);

    [LibraryImport(Library, EntryPoint = "sf_close")]
    public static partial int Close(IntPtr file);

    public const int SeekSet = 0;

    [LibraryImport(Library, EntryPoint = "sf_seek")]
    public static partial long Seek(IntPtr file, long frames, int whence);

    [LibraryImport(Library, EntryPoint = "sf_readf_float")]
    public static unsafe partial long ReadFramesFloat(IntPtr file, float* buffer, long frames);

    [LibraryImport(Library, EntryPoint = "sf_writef_float")]
    public static unsafe partial long WriteFramesFloat(IntPtr file, float* buffer, long frames);

    [LibraryImport(Library, EntryPoint = "sf_strerror")]
    public static partial IntPtr StrError(IntPtr file);

    [LibraryImport(Library, EntryPoint = "sf_error")]
    public static partial int Error(IntPtr file);

    [LibraryImport(Library, EntryPoint = "sf_get_string")]
    public static partial IntPtr GetString(IntPtr file, int type);

    [LibraryImport(Library, EntryPoint = "sf_set_string", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SetString(IntPtr file, int type, string value);

    [LibraryImport(Library, EntryPoint = "sf_command")]
    public static unsafe partial int Command(IntPtr file, int command, void* data, int size);

    [LibraryImport(Library, EntryPoint = "sf_format_check")]
    public static partial int FormatCheck(ref Info info);

    [LibraryImport(Library, EntryPoint = "sf_version_string")]
    public static partial IntPtr VersionString();

    public static string ErrorText(IntPtr file) => Marshal.PtrToStringUTF8(StrError(file)) ?? "unknown libsndfile error";
}
