using System.Globalization;
using System.Text;

namespace Auralis.Cli.Run;

/// <summary>
/// Builds text lines into a preallocated UTF-8 buffer and writes whole lines to a stream, without allocating: the audio
/// engine's reporter uses it so that steady-state reporting creates no garbage (and so no garbage collection).
/// </summary>
/// <remarks>One thread per instance; instances sharing a stream share <paramref name="gate"/> so lines never interleave.</remarks>
internal sealed class Utf8LineWriter(Stream stream, object gate, int capacity = 64 * 1024)
{
    private const int LineReserve = 8 * 1024;
    private readonly byte[] _buffer = new byte[capacity];
    private int _length;
    private int _lineStart;

    /// <summary>Appends UTF-8 text.</summary>
    public Utf8LineWriter Text(ReadOnlySpan<byte> utf8)
    {
        var n = Math.Min(utf8.Length, _buffer.Length - _length - 1);
        utf8[..n].CopyTo(_buffer.AsSpan(_length));
        _length += n;
        return this;
    }

    /// <summary>Appends text (encoded in place).</summary>
    public Utf8LineWriter Text(string text)
    {
        if (Encoding.UTF8.GetMaxByteCount(text.Length) < _buffer.Length - _length - 1)
        {
            _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
        }
        return this;
    }

    /// <summary>Appends an integer.</summary>
    public Utf8LineWriter Number(long value)
    {
        if (value.TryFormat(_buffer.AsSpan(_length, _buffer.Length - _length - 1), out var n, default, CultureInfo.InvariantCulture))
        {
            _length += n;
        }
        return this;
    }

    /// <summary>Appends a real number with up to <paramref name="decimals"/> decimals (3 or 6).</summary>
    public Utf8LineWriter Number(double value, int decimals = 3)
    {
        if (!double.IsFinite(value))
        {
            return Text(double.IsNaN(value) ? "NaN"u8 : value > 0 ? "Infinity"u8 : "-Infinity"u8); // what float.Parse reads
        }
        var format = decimals >= 6 ? "0.######" : "0.###";
        if (value.TryFormat(_buffer.AsSpan(_length, _buffer.Length - _length - 1), out var n, format, CultureInfo.InvariantCulture))
        {
            _length += n;
        }
        return this;
    }

    /// <summary>Ends the line; writes the buffer out when it is nearly full.</summary>
    public void EndLine()
    {
        _buffer[_length++] = (byte)'\n';
        _lineStart = _length;
        if (_length > _buffer.Length - LineReserve)
        {
            Flush();
        }
    }

    /// <summary>Writes every complete line.</summary>
    public void Flush()
    {
        if (_lineStart == 0)
        {
            return;
        }
        lock (gate)
        {
            stream.Write(_buffer, 0, _lineStart);
            stream.Flush();
        }
        var rest = _length - _lineStart;
        _buffer.AsSpan(_lineStart, rest).CopyTo(_buffer);
        _length = rest;
        _lineStart = 0;
    }
}
