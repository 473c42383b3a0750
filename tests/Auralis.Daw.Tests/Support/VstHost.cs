using System.Runtime.InteropServices;
using Auralis.Vst3.Abi;
using Auralis.Vst3.Com;

namespace Auralis.Daw.Tests.Support;

/// <summary>
/// A minimal VST3 host inside the test process: loads a bundle's Auralis.so with dlopen and calls the C ABI (vtable
/// slots as numbered in Steinberg's headers) exactly as a DAW does. Ardour never offers 64-bit samples; this host does.
/// Also used by bench/vst3 to time the bridge.
/// </summary>
internal static unsafe class VstHost
{
    public static void** Slots(void* instance) => *(void***)instance;

    public static void* GetPluginFactory(string bundle)
    {
        var library = NativeLibrary.Load(Path.Combine(bundle, "Contents", "x86_64-linux", "Auralis.so"));
        return ((delegate* unmanaged<void*>)NativeLibrary.GetExport(library, "GetPluginFactory"))();
    }

    public static int QueryInterface(void* instance, Tuid iid, out void* result)
    {
        void* found;
        var code = ((delegate* unmanaged<void*, Tuid*, void**, int>)Slots(instance)[0])(instance, &iid, &found);
        result = found;
        return code;
    }

    public static uint Release(void* instance) => ((delegate* unmanaged<void*, uint>)Slots(instance)[2])(instance);

    // IPluginFactory / IPluginFactory3
    public static int CountClasses(void* factory) => ((delegate* unmanaged<void*, int>)Slots(factory)[4])(factory);

    public static int CreateInstance(void* factory, Tuid cid, Tuid iid, out void* result)
    {
        void* created;
        var code = ((delegate* unmanaged<void*, Tuid*, Tuid*, void**, int>)Slots(factory)[6])(factory, &cid, &iid, &created);
        result = created;
        return code;
    }

    public static PClassInfoW ClassInfoUnicode(void* factory, int index)
    {
        PClassInfoW info;
        Check(((delegate* unmanaged<void*, int, PClassInfoW*, int>)Slots(factory)[8])(factory, index, &info), "getClassInfoUnicode");
        return info;
    }

    // IPluginBase / IComponent
    public static int Initialize(void* component) => ((delegate* unmanaged<void*, void*, int>)Slots(component)[3])(component, null);

    public static int Terminate(void* component) => ((delegate* unmanaged<void*, int>)Slots(component)[4])(component);

    public static int ActivateBus(void* component, int direction, int index, bool active) =>
        ((delegate* unmanaged<void*, int, int, int, byte, int>)Slots(component)[10])(component, Vst.MediaAudio, direction, index, active ? (byte)1 : (byte)0);

    public static int SetActive(void* component, bool active) => ((delegate* unmanaged<void*, byte, int>)Slots(component)[11])(component, active ? (byte)1 : (byte)0);

    public static int SetState(void* component, MemoryBStream stream) => ((delegate* unmanaged<void*, void*, int>)Slots(component)[12])(component, stream.Pointer);

    public static int GetState(void* component, MemoryBStream stream) => ((delegate* unmanaged<void*, void*, int>)Slots(component)[13])(component, stream.Pointer);

    // IAudioProcessor
    public static int SetBusArrangements(void* processor, ulong[] inputs, ulong[] outputs)
    {
        fixed (ulong* i = inputs, o = outputs)
        {
            return ((delegate* unmanaged<void*, ulong*, int, ulong*, int, int>)Slots(processor)[3])(processor, i, inputs.Length, o, outputs.Length);
        }
    }

    public static ulong BusArrangement(void* processor, int direction, int index)
    {
        ulong arrangement;
        Check(((delegate* unmanaged<void*, int, int, ulong*, int>)Slots(processor)[4])(processor, direction, index, &arrangement), "getBusArrangement");
        return arrangement;
    }

    public static int CanProcessSampleSize(void* processor, int size) => ((delegate* unmanaged<void*, int, int>)Slots(processor)[5])(processor, size);

    public static uint LatencySamples(void* processor) => ((delegate* unmanaged<void*, uint>)Slots(processor)[6])(processor);

    public static int SetupProcessing(void* processor, ProcessSetup setup) => ((delegate* unmanaged<void*, ProcessSetup*, int>)Slots(processor)[7])(processor, &setup);

    public static int Process(void* processor, ProcessData* data) => ((delegate* unmanaged<void*, ProcessData*, int>)Slots(processor)[9])(processor, data);

    // IEditController
    public static int ParameterCount(void* controller) => ((delegate* unmanaged<void*, int>)Slots(controller)[8])(controller);

    public static VstParameterInfo ParameterInfo(void* controller, int index)
    {
        VstParameterInfo info;
        Check(((delegate* unmanaged<void*, int, VstParameterInfo*, int>)Slots(controller)[9])(controller, index, &info), "getParameterInfo");
        return info;
    }

    public static double PlainToNormalized(void* controller, uint id, double plain) =>
        ((delegate* unmanaged<void*, uint, double, double>)Slots(controller)[13])(controller, id, plain);

    public static double ParamNormalized(void* controller, uint id) => ((delegate* unmanaged<void*, uint, double>)Slots(controller)[14])(controller, id);

    /// <summary>Runs one 64-bit block, stereo in and out, through <paramref name="processor"/>.</summary>
    public static int Process64(void* processor, double[][] input, double[][] output)
    {
        fixed (double* l = input[0], r = input[1], ol = output[0], or = output[1])
        {
            return ProcessStereo(processor, l, r, ol, or, input[0].Length, Vst.Sample64);
        }
    }

    /// <summary>Runs one 32-bit block, stereo in and out, through <paramref name="processor"/>.</summary>
    public static int Process32(void* processor, float[][] input, float[][] output)
    {
        fixed (float* l = input[0], r = input[1], ol = output[0], or = output[1])
        {
            return ProcessStereo(processor, l, r, ol, or, input[0].Length, Vst.Sample32);
        }
    }

    /// <summary>Runs one 64-bit block with any buses: <c>inputs[bus][channel][frame]</c>, likewise outputs.</summary>
    public static int Process64(void* processor, double[][][] inputs, double[][][] outputs)
    {
        var pins = new List<GCHandle>();
        var buses = new List<nint>();
        try
        {
            AudioBusBuffers* Buses(double[][][] set)
            {
                var array = (AudioBusBuffers*)NativeMemory.AllocZeroed((nuint)Math.Max(1, set.Length), (nuint)sizeof(AudioBusBuffers));
                buses.Add((nint)array);
                for (var b = 0; b < set.Length; b++)
                {
                    var channels = (void**)NativeMemory.AllocZeroed((nuint)Math.Max(1, set[b].Length), (nuint)sizeof(void*));
                    buses.Add((nint)channels);
                    for (var c = 0; c < set[b].Length; c++)
                    {
                        var pin = GCHandle.Alloc(set[b][c], GCHandleType.Pinned);
                        pins.Add(pin);
                        channels[c] = (void*)pin.AddrOfPinnedObject();
                    }
                    array[b] = new AudioBusBuffers { NumChannels = set[b].Length, ChannelBuffers = channels };
                }
                return array;
            }
            var data = new ProcessData
            {
                ProcessMode = Vst.ProcessOffline,
                SymbolicSampleSize = Vst.Sample64,
                NumSamples = inputs[0][0].Length,
                NumInputs = inputs.Length,
                NumOutputs = outputs.Length,
                Inputs = Buses(inputs),
                Outputs = Buses(outputs),
            };
            return Process(processor, &data);
        }
        finally
        {
            pins.ForEach(p => p.Free());
            buses.ForEach(b => NativeMemory.Free((void*)b));
        }
    }

    private static int ProcessStereo(void* processor, void* l, void* r, void* ol, void* or, int frames, int sampleSize)
    {
        var ins = stackalloc void*[] { l, r };
        var outs = stackalloc void*[] { ol, or };
        var inBus = new AudioBusBuffers { NumChannels = 2, ChannelBuffers = ins };
        var outBus = new AudioBusBuffers { NumChannels = 2, ChannelBuffers = outs };
        var data = new ProcessData
        {
            ProcessMode = Vst.ProcessOffline,
            SymbolicSampleSize = sampleSize,
            NumSamples = frames,
            NumInputs = 1,
            NumOutputs = 1,
            Inputs = &inBus,
            Outputs = &outBus,
        };
        return Process(processor, &data);
    }

    private static void Check(int result, string call)
    {
        if (result != VstResult.Ok)
        {
            throw new InvalidOperationException($"{call} returned {result}");
        }
    }
}

/// <summary>IBStream over memory, for handing states to and from a plugin.</summary>
internal sealed unsafe class MemoryBStream : ComObject
{
    private static readonly nint StreamVtable = Vtable(
        (nint)(delegate* unmanaged<void*, void*, int, int*, int>)&Read,
        (nint)(delegate* unmanaged<void*, void*, int, int*, int>)&Write,
        (nint)(delegate* unmanaged<void*, long, int, long*, int>)&Seek,
        (nint)(delegate* unmanaged<void*, long*, int>)&Tell);

    public MemoryBStream(byte[]? content = null)
    {
        Data = new MemoryStream();
        Data.Write(content ?? []);
        Data.Position = 0;
        Pointer = Expose(StreamVtable);
    }

    public MemoryStream Data { get; }

    public void* Pointer { get; }

    protected override void* InterfaceFor(in Tuid iid) => iid.Equals(Iids.FUnknown) || iid.Equals(Iids.IBStream) ? Pointer : null;

    [UnmanagedCallersOnly]
    private static int Read(void* self, void* buffer, int count, int* done)
    {
        var n = From<MemoryBStream>(self)!.Data.Read(new Span<byte>(buffer, count));
        if (done != null)
        {
            *done = n;
        }
        return VstResult.Ok;
    }

    [UnmanagedCallersOnly]
    private static int Write(void* self, void* buffer, int count, int* done)
    {
        From<MemoryBStream>(self)!.Data.Write(new ReadOnlySpan<byte>(buffer, count));
        if (done != null)
        {
            *done = count;
        }
        return VstResult.Ok;
    }

    [UnmanagedCallersOnly]
    private static int Seek(void* self, long position, int mode, long* result)
    {
        var data = From<MemoryBStream>(self)!.Data;
        data.Seek(position, (SeekOrigin)mode);
        if (result != null)
        {
            *result = data.Position;
        }
        return VstResult.Ok;
    }

    [UnmanagedCallersOnly]
    private static int Tell(void* self, long* position)
    {
        *position = From<MemoryBStream>(self)!.Data.Position;
        return VstResult.Ok;
    }
}
