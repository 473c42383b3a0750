using System.Runtime.CompilerServices;
using System.Text;

namespace Auralis.Engine.Isolation;

/// <summary>The sizes an exchange area is laid out for; host and child compute the same offsets from it.</summary>
internal readonly record struct ExchangeShape(int Parameters, int InputChannels, int OutputChannels, int MaxBlock, int ResultWidth, int ResultCapacity)
{
    public const int RequestOffset = 0, ResponseOffset = 64, HeaderOffset = 128, ErrorOffset = 256, ErrorBytes = 1024;
    public const int ParametersOffset = ErrorOffset + ErrorBytes;

    public long InputsOffset => Align(ParametersOffset + 4L * Parameters);
    public long OutputsOffset => InputsOffset + 4L * InputChannels * MaxBlock;
    public long ResultsOffset => Align(OutputsOffset + 4L * OutputChannels * MaxBlock);
    public int ResultRecordBytes => (int)Align(16 + 4L * ResultWidth);
    public long Size => Align(ResultsOffset + (long)ResultRecordBytes * ResultCapacity, 4096);

    private static long Align(long n, int to = 64) => (n + to - 1) / to * to;
}

/// <summary>Block status codes in the exchange header.</summary>
internal static class ExchangeStatus
{
    // 0..2 are the SDK's ProcessStatus values.
    public const int Threw = 16;
}

/// <summary>
/// One plugin instance's shared-memory exchange: a one-slot ring per direction. The host writes a block (parameters,
/// input channels, position) and bumps the request word; the child processes it, writes the output channels and its
/// result frames, and copies the request number into the response word. Both words are futexes.
/// </summary>
/// <remarks>Every accessor is allocation-free; the audio thread uses them directly.</remarks>
internal sealed unsafe class BlockExchange(byte* memory, ExchangeShape shape)
{
    public ExchangeShape Shape { get; } = shape;

    public int* Request => (int*)(memory + ExchangeShape.RequestOffset);
    public int* Response => (int*)(memory + ExchangeShape.ResponseOffset);

    public ref int Frames => ref Unsafe.AsRef<int>(memory + ExchangeShape.HeaderOffset);
    public ref int Status => ref Unsafe.AsRef<int>(memory + ExchangeShape.HeaderOffset + 4);
    public ref long Position => ref Unsafe.AsRef<long>(memory + ExchangeShape.HeaderOffset + 8);
    public ref long InputEnd => ref Unsafe.AsRef<long>(memory + ExchangeShape.HeaderOffset + 16);
    public ref int ResultCount => ref Unsafe.AsRef<int>(memory + ExchangeShape.HeaderOffset + 24);
    public ref int ResultsDropped => ref Unsafe.AsRef<int>(memory + ExchangeShape.HeaderOffset + 28);

    public Span<float> Parameters => new(memory + ExchangeShape.ParametersOffset, Shape.Parameters);

    public Span<float> Input(int channel) => new(memory + Shape.InputsOffset + 4L * channel * Shape.MaxBlock, Shape.MaxBlock);

    public Span<float> Output(int channel) => new(memory + Shape.OutputsOffset + 4L * channel * Shape.MaxBlock, Shape.MaxBlock);

    /// <summary>Result record <paramref name="index"/>: its frame time, value count and values.</summary>
    public ref long ResultTime(int index) => ref Unsafe.AsRef<long>(RecordAt(index));

    public ref int ResultLength(int index) => ref Unsafe.AsRef<int>(RecordAt(index) + 8);

    public Span<float> ResultValues(int index) => new(RecordAt(index) + 16, Shape.ResultWidth);

    /// <summary>Stores why the child's Process threw (UTF-8, truncated).</summary>
    public void WriteError(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var n = Math.Min(bytes.Length, ExchangeShape.ErrorBytes - 4);
        *(int*)(memory + ExchangeShape.ErrorOffset) = n;
        bytes.AsSpan(0, n).CopyTo(new Span<byte>(memory + ExchangeShape.ErrorOffset + 4, n));
    }

    /// <summary>Reads what <see cref="WriteError"/> stored. Thread: control (allocates).</summary>
    public string ReadError()
    {
        var n = Math.Clamp(*(int*)(memory + ExchangeShape.ErrorOffset), 0, ExchangeShape.ErrorBytes - 4);
        return Encoding.UTF8.GetString(new ReadOnlySpan<byte>(memory + ExchangeShape.ErrorOffset + 4, n));
    }

    private byte* RecordAt(int index) => memory + Shape.ResultsOffset + (long)Shape.ResultRecordBytes * index;
}
