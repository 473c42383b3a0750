using System.Buffers.Binary;

namespace Auralis.Web.Streaming;

/// <summary>
/// Encodes a chunk of audio as a self-describing WAV file (32-bit IEEE float, interleaved): the page builds its audio
/// buffers from it, and anyone can save one and open it in an audio tool. Float keeps samples bit-exact.
/// </summary>
public static class WavChunk
{
    /// <summary>The media type of an encoded chunk.</summary>
    public const string ContentType = "audio/wav";

    /// <summary>Bytes before the samples: RIFF, fmt (18 bytes, IEEE float), fact and data headers.</summary>
    public const int HeaderBytes = 12 + 8 + 18 + 8 + 4 + 8;

    /// <summary>Encodes <paramref name="frames"/> frames of <paramref name="channels"/>.</summary>
    public static byte[] Encode(float[][] channels, int frames, int sampleRate)
    {
        var channelCount = channels.Length;
        var dataBytes = checked(frames * channelCount * 4);
        var bytes = new byte[HeaderBytes + dataBytes];
        var s = bytes.AsSpan();
        "RIFF"u8.CopyTo(s);
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], bytes.Length - 8);
        "WAVE"u8.CopyTo(s[8..]);
        "fmt "u8.CopyTo(s[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[16..], 18);
        BinaryPrimitives.WriteInt16LittleEndian(s[20..], 3); // WAVE_FORMAT_IEEE_FLOAT
        BinaryPrimitives.WriteInt16LittleEndian(s[22..], (short)channelCount);
        BinaryPrimitives.WriteInt32LittleEndian(s[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(s[28..], sampleRate * channelCount * 4);
        BinaryPrimitives.WriteInt16LittleEndian(s[32..], (short)(channelCount * 4));
        BinaryPrimitives.WriteInt16LittleEndian(s[34..], 32);
        BinaryPrimitives.WriteInt16LittleEndian(s[36..], 0);
        "fact"u8.CopyTo(s[38..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[42..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(s[46..], frames);
        "data"u8.CopyTo(s[50..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[54..], dataBytes);
        var samples = s[HeaderBytes..];
        for (var i = 0; i < frames; i++)
        {
            for (var c = 0; c < channelCount; c++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(samples.Slice(((i * channelCount) + c) * 4), channels[c][i]);
            }
        }
        return bytes;
    }

    /// <summary>Decodes what <see cref="Encode"/> wrote (tests and tools): channels, frames and rate.</summary>
    /// <exception cref="InvalidDataException">Not a chunk of that shape.</exception>
    public static float[][] Decode(ReadOnlySpan<byte> bytes, out int sampleRate)
    {
        if (bytes.Length < HeaderBytes || !bytes[..4].SequenceEqual("RIFF"u8) || !bytes[8..12].SequenceEqual("WAVE"u8)
            || BinaryPrimitives.ReadInt16LittleEndian(bytes[20..]) != 3 || !bytes[50..54].SequenceEqual("data"u8))
        {
            throw new InvalidDataException("not an Auralis float WAV chunk");
        }
        var channelCount = BinaryPrimitives.ReadInt16LittleEndian(bytes[22..]);
        sampleRate = BinaryPrimitives.ReadInt32LittleEndian(bytes[24..]);
        var frames = BinaryPrimitives.ReadInt32LittleEndian(bytes[54..]) / (4 * channelCount);
        var channels = new float[channelCount][];
        for (var c = 0; c < channelCount; c++)
        {
            channels[c] = new float[frames];
        }
        var samples = bytes[HeaderBytes..];
        for (var i = 0; i < frames; i++)
        {
            for (var c = 0; c < channelCount; c++)
            {
                channels[c][i] = BinaryPrimitives.ReadSingleLittleEndian(samples.Slice(((i * channelCount) + c) * 4));
            }
        }
        return channels;
    }
}
