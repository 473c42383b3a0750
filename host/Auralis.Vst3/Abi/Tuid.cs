using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Auralis.Vst3.Abi;

/// <summary>
/// A VST3 class or interface id: 16 bytes. On Linux (non-COM byte order) the four 32-bit words of a
/// <c>DECLARE_CLASS_IID</c> are stored big-endian, so the bytes read like the id's hexadecimal text.
/// </summary>
[InlineArray(16)]
internal struct Tuid : IEquatable<Tuid>
{
    private byte _first;

    /// <summary>The id written as four 32-bit words, as Steinberg's headers do.</summary>
    public static Tuid FromWords(uint l1, uint l2, uint l3, uint l4)
    {
        var id = new Tuid();
        Span<byte> bytes = id;
        BinaryPrimitives.WriteUInt32BigEndian(bytes, l1);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[4..], l2);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[8..], l3);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[12..], l4);
        return id;
    }

    /// <summary>
    /// A stable id derived from a name (an RFC 4122 version-5, SHA-1, name-based UUID in <paramref name="space"/>), so a
    /// plugin keeps its class id across builds and machines and DAW sessions find it again.
    /// </summary>
    public static Tuid FromName(Tuid space, string name)
    {
        Span<byte> input = stackalloc byte[16 + Encoding.UTF8.GetByteCount(name)];
        ((ReadOnlySpan<byte>)space).CopyTo(input);
        Encoding.UTF8.GetBytes(name, input[16..]);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        var id = new Tuid();
        hash[..16].CopyTo(id);
        return id;
    }

    /// <summary>Parses the 32 hexadecimal digits VST3 preset files and DAW caches use.</summary>
    public static Tuid Parse(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        if (bytes.Length != 16)
        {
            throw new FormatException($"'{hex}' is not a 32-digit VST3 class id");
        }
        var id = new Tuid();
        bytes.CopyTo((Span<byte>)id);
        return id;
    }

    public readonly bool Equals(Tuid other) => ((ReadOnlySpan<byte>)this).SequenceEqual(other);

    public override readonly bool Equals(object? obj) => obj is Tuid other && Equals(other);

    public override readonly int GetHashCode() => BinaryPrimitives.ReadInt32LittleEndian(this);

    /// <summary>The 32 upper-case hexadecimal digits (the form of moduleinfo.json and .vstpreset files).</summary>
    public override readonly string ToString() => Convert.ToHexString(this);
}
