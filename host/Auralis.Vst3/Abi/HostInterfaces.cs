namespace Auralis.Vst3.Abi;

/// <summary>
/// Calls into objects the host hands the bridge (streams, parameter change lists, the component handler) through their
/// C++ vtables. Slot numbers follow the method order in Steinberg's headers; slots 0-2 are FUnknown's.
/// </summary>
internal static unsafe class HostInterfaces
{
    private static void** Slots(void* instance) => *(void***)instance;

    public static uint AddRef(void* instance) => ((delegate* unmanaged<void*, uint>)Slots(instance)[1])(instance);

    public static uint Release(void* instance) => ((delegate* unmanaged<void*, uint>)Slots(instance)[2])(instance);

    // IBStream: read, write, seek, tell.
    public static int StreamRead(void* stream, void* buffer, int count, int* done) =>
        ((delegate* unmanaged<void*, void*, int, int*, int>)Slots(stream)[3])(stream, buffer, count, done);

    public static int StreamWrite(void* stream, void* buffer, int count, int* done) =>
        ((delegate* unmanaged<void*, void*, int, int*, int>)Slots(stream)[4])(stream, buffer, count, done);

    // IParameterChanges: getParameterCount, getParameterData, addParameterData.
    public static int ChangedParameterCount(void* changes) => ((delegate* unmanaged<void*, int>)Slots(changes)[3])(changes);

    public static void* ChangedParameter(void* changes, int index) =>
        ((delegate* unmanaged<void*, int, void*>)Slots(changes)[4])(changes, index);

    public static void* AddChangedParameter(void* changes, uint* id, int* index) =>
        ((delegate* unmanaged<void*, uint*, int*, void*>)Slots(changes)[5])(changes, id, index);

    // IParamValueQueue: getParameterId, getPointCount, getPoint, addPoint.
    public static uint QueueParameterId(void* queue) => ((delegate* unmanaged<void*, uint>)Slots(queue)[3])(queue);

    public static int QueuePointCount(void* queue) => ((delegate* unmanaged<void*, int>)Slots(queue)[4])(queue);

    public static int QueuePoint(void* queue, int index, int* sampleOffset, double* value) =>
        ((delegate* unmanaged<void*, int, int*, double*, int>)Slots(queue)[5])(queue, index, sampleOffset, value);

    public static int AddQueuePoint(void* queue, int sampleOffset, double value, int* index) =>
        ((delegate* unmanaged<void*, int, double, int*, int>)Slots(queue)[6])(queue, sampleOffset, value, index);

    // IComponentHandler: beginEdit, performEdit, endEdit, restartComponent.
    public static int RestartComponent(void* handler, int flags) => ((delegate* unmanaged<void*, int, int>)Slots(handler)[6])(handler, flags);

    /// <summary>Reads a whole stream (a saved state), refusing more than <paramref name="limit"/> bytes.</summary>
    public static byte[] ReadAll(void* stream, int limit)
    {
        var data = new MemoryStream();
        var buffer = new byte[64 * 1024];
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var done = 0;
                var result = StreamRead(stream, p, buffer.Length, &done);
                if (done > 0)
                {
                    data.Write(buffer, 0, Math.Min(done, buffer.Length));
                    if (data.Length > limit)
                    {
                        throw new InvalidDataException($"the saved state is larger than {limit} bytes");
                    }
                }
                if (result != VstResult.Ok || done <= 0)
                {
                    return data.ToArray();
                }
            }
        }
    }

    /// <summary>Writes all of <paramref name="bytes"/> to a stream.</summary>
    public static void WriteAll(void* stream, byte[] bytes)
    {
        fixed (byte* p = bytes)
        {
            var written = 0;
            while (written < bytes.Length)
            {
                var done = 0;
                var result = StreamWrite(stream, p + written, bytes.Length - written, &done);
                if (result != VstResult.Ok || done <= 0)
                {
                    throw new IOException($"the host's stream accepted {written} of {bytes.Length} bytes (result {result})");
                }
                written += done;
            }
        }
    }
}
