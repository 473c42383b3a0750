using System.Buffers.Binary;
using System.Text;

namespace Auralis.Vst3.Abi;

/// <summary>
/// Steinberg's <c>.vstpreset</c> container (the format DAWs also embed in sessions): a 48-byte header ("VST3", format
/// version 1, the class id as 32 hexadecimal digits, the offset of the chunk list), the chunks, then the list
/// ("List", a count, and per chunk its id, offset and size). Auralis writes one chunk, "Comp": the component state.
/// </summary>
internal static class VstPresetFile
{
    private const int HeaderSize = 48;

    /// <summary>A preset holding <paramref name="componentState"/> for class <paramref name="classId"/>.</summary>
    public static byte[] Create(Tuid classId, byte[] componentState)
    {
        var listOffset = HeaderSize + componentState.Length;
        var bytes = new byte[listOffset + 4 + 4 + 20];
        var span = bytes.AsSpan();
        Encoding.ASCII.GetBytes("VST3", span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 1);
        Encoding.ASCII.GetBytes(classId.ToString(), span[8..]);
        BinaryPrimitives.WriteInt64LittleEndian(span[40..], listOffset);
        componentState.CopyTo(span[HeaderSize..]);
        var list = span[listOffset..];
        Encoding.ASCII.GetBytes("List", list);
        BinaryPrimitives.WriteInt32LittleEndian(list[4..], 1);
        Encoding.ASCII.GetBytes("Comp", list[8..]);
        BinaryPrimitives.WriteInt64LittleEndian(list[12..], HeaderSize);
        BinaryPrimitives.WriteInt64LittleEndian(list[20..], componentState.Length);
        return bytes;
    }

    /// <summary>The component state ("Comp" chunk) of a preset or session chunk, with the class id it is for.</summary>
    /// <exception cref="FormatException">Not a VST3 preset, or it has no component state.</exception>
    public static (Tuid ClassId, byte[] ComponentState) Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderSize || Encoding.ASCII.GetString(bytes[..4]) != "VST3")
        {
            throw new FormatException("not a VST3 preset (no 'VST3' header)");
        }
        var classId = Tuid.Parse(Encoding.ASCII.GetString(bytes.Slice(8, 32)));
        var listOffset = BinaryPrimitives.ReadInt64LittleEndian(bytes[40..]);
        if (listOffset < HeaderSize || listOffset + 8 > bytes.Length || Encoding.ASCII.GetString(bytes.Slice((int)listOffset, 4)) != "List")
        {
            throw new FormatException("the VST3 preset's chunk list is missing");
        }
        var list = bytes[(int)listOffset..];
        var count = BinaryPrimitives.ReadInt32LittleEndian(list[4..]);
        for (var i = 0; i < count && 8 + 20 * (i + 1) <= list.Length; i++)
        {
            var entry = list.Slice(8 + 20 * i, 20);
            var offset = BinaryPrimitives.ReadInt64LittleEndian(entry[4..]);
            var size = BinaryPrimitives.ReadInt64LittleEndian(entry[12..]);
            if (Encoding.ASCII.GetString(entry[..4]) == "Comp" && offset >= 0 && size >= 0 && offset + size <= bytes.Length)
            {
                return (classId, bytes.Slice((int)offset, (int)size).ToArray());
            }
        }
        throw new FormatException("the VST3 preset holds no component state ('Comp' chunk)");
    }
}
