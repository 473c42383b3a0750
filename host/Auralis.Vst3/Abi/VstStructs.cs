using System.Runtime.InteropServices;
using System.Text;

namespace Auralis.Vst3.Abi;

// The VST3 structures the bridge reads or fills, laid out as Steinberg's headers define them for 64-bit Linux
// (natural alignment). Their sizes are asserted by tests; a wrong size would write past the host's memory.

/// <summary>PFactoryInfo (ipluginbase.h).</summary>
internal unsafe struct PFactoryInfo
{
    public const int NameSize = 64, UrlSize = 256, EmailSize = 128;
    public const int FlagClassesDiscardable = 1 << 0, FlagUnicode = 1 << 4;
    public fixed byte Vendor[NameSize];
    public fixed byte Url[UrlSize];
    public fixed byte Email[EmailSize];
    public int Flags;
}

/// <summary>PClassInfo (ipluginbase.h).</summary>
internal unsafe struct PClassInfo
{
    public const int ManyInstances = 0x7FFFFFFF;
    public const int CategorySize = 32, NameSize = 64;
    public Tuid Cid;
    public int Cardinality;
    public fixed byte Category[CategorySize];
    public fixed byte Name[NameSize];
}

/// <summary>PClassInfo2 (ipluginbase.h).</summary>
internal unsafe struct PClassInfo2
{
    public const int VendorSize = 64, VersionSize = 64, SubCategoriesSize = 128;
    public Tuid Cid;
    public int Cardinality;
    public fixed byte Category[PClassInfo.CategorySize];
    public fixed byte Name[PClassInfo.NameSize];
    public uint ClassFlags;
    public fixed byte SubCategories[SubCategoriesSize];
    public fixed byte Vendor[VendorSize];
    public fixed byte Version[VersionSize];
    public fixed byte SdkVersion[VersionSize];
}

/// <summary>PClassInfoW (ipluginbase.h): PClassInfo2 with UTF-16 name, vendor and versions.</summary>
internal unsafe struct PClassInfoW
{
    public Tuid Cid;
    public int Cardinality;
    public fixed byte Category[PClassInfo.CategorySize];
    public fixed char Name[PClassInfo.NameSize];
    public uint ClassFlags;
    public fixed byte SubCategories[PClassInfo2.SubCategoriesSize];
    public fixed char Vendor[PClassInfo2.VendorSize];
    public fixed char Version[PClassInfo2.VersionSize];
    public fixed char SdkVersion[PClassInfo2.VersionSize];
}

/// <summary>Vst::BusInfo (ivstcomponent.h).</summary>
internal unsafe struct BusInfo
{
    public const int FlagDefaultActive = 1 << 0;
    public int MediaType;
    public int Direction;
    public int ChannelCount;
    public fixed char Name[128];
    public int BusType;
    public uint Flags;
}

/// <summary>Vst::RoutingInfo (ivstcomponent.h).</summary>
internal struct RoutingInfo
{
    public int MediaType;
    public int BusIndex;
    public int Channel;
}

/// <summary>Vst::ParameterInfo (ivsteditcontroller.h).</summary>
internal unsafe struct VstParameterInfo
{
    public const int FlagCanAutomate = 1 << 0, FlagIsReadOnly = 1 << 1;
    public uint Id;
    public fixed char Title[128];
    public fixed char ShortTitle[128];
    public fixed char Units[128];
    public int StepCount;
    public double DefaultNormalizedValue;
    public int UnitId;
    public int Flags;
}

/// <summary>Vst::ProcessSetup (ivstaudioprocessor.h).</summary>
internal struct ProcessSetup
{
    public int ProcessMode;
    public int SymbolicSampleSize;
    public int MaxSamplesPerBlock;
    public double SampleRate;
}

/// <summary>Vst::AudioBusBuffers (ivstaudioprocessor.h): channelBuffers32 and channelBuffers64 share one pointer.</summary>
internal unsafe struct AudioBusBuffers
{
    public int NumChannels;
    public ulong SilenceFlags;
    public void** ChannelBuffers;
}

/// <summary>Vst::ProcessData (ivstaudioprocessor.h).</summary>
internal unsafe struct ProcessData
{
    public int ProcessMode;
    public int SymbolicSampleSize;
    public int NumSamples;
    public int NumInputs;
    public int NumOutputs;
    public AudioBusBuffers* Inputs;
    public AudioBusBuffers* Outputs;
    public void* InputParameterChanges;
    public void* OutputParameterChanges;
    public void* InputEvents;
    public void* OutputEvents;
    public void* ProcessContext;
}

/// <summary>Enumerations and constants of the VST3 audio interfaces.</summary>
internal static class Vst
{
    public const int MediaAudio = 0, MediaEvent = 1;
    public const int DirectionInput = 0, DirectionOutput = 1;
    public const int BusMain = 0, BusAux = 1;
    public const int Sample32 = 0, Sample64 = 1;
    public const int ProcessRealtime = 0, ProcessPrefetch = 1, ProcessOffline = 2;
    public const int RestartParamValuesChanged = 1 << 2, RestartLatencyChanged = 1 << 3;
    public const ulong SpeakerMono = 1UL << 19, SpeakerStereo = 0b11;
    public const string AudioEffectCategory = "Audio Module Class";
    public const string SdkVersion = "VST 3.7";

    /// <summary>The channel count a speaker arrangement stands for (hosts differ in which bits they set for mono).</summary>
    public static int ChannelCount(ulong arrangement) => System.Numerics.BitOperations.PopCount(arrangement);

    /// <summary>The conventional arrangement for a channel count: M, L R, or the first n speakers.</summary>
    public static ulong Arrangement(int channels) => channels switch
    {
        0 => 0,
        1 => SpeakerMono,
        2 => SpeakerStereo,
        _ => channels >= 64 ? ulong.MaxValue : (1UL << channels) - 1,
    };
}

/// <summary>Copies .NET strings into the fixed-size, NUL-terminated string fields of VST3 structures.</summary>
internal static unsafe class VstText
{
    public static void Copy(string text, byte* destination, int size)
    {
        var span = new Span<byte>(destination, size);
        span.Clear();
        var bytes = Encoding.UTF8.GetBytes(text);
        var length = bytes.Length;
        if (length > size - 1)
        {
            // Never cut a UTF-8 sequence in half.
            length = size - 1;
            while (length > 0 && (bytes[length] & 0xC0) == 0x80)
            {
                length--;
            }
        }
        bytes.AsSpan(0, length).CopyTo(span);
    }

    public static void Copy(string text, char* destination, int size)
    {
        var span = new Span<char>(destination, size);
        span.Clear();
        text.AsSpan(0, Math.Min(text.Length, size - 1)).CopyTo(span);
    }

    public static string Read(char* source, int size)
    {
        var span = new ReadOnlySpan<char>(source, size);
        var end = span.IndexOf('\0');
        return new string(end < 0 ? span : span[..end]);
    }
}
