namespace Auralis.Dsp;

/// <summary>
/// A windowed power/magnitude spectrum of one frame: window, real FFT, |X|². One instance per frame size, its scratch
/// preallocated; allocation-free after construction.
/// </summary>
public sealed class Spectrum
{
    private readonly float[] _windowed;

    /// <summary>Creates the analyser for frames of <paramref name="window"/>'s length (a power of two).</summary>
    public Spectrum(float[] window)
    {
        Window = window;
        Fft = new RealFft(window.Length);
        _windowed = new float[window.Length];
        Re = new float[Fft.BinCount];
        Im = new float[Fft.BinCount];
    }

    /// <summary>The analysis window.</summary>
    public float[] Window { get; }

    /// <summary>The FFT (shared with callers that need more transforms of this size).</summary>
    public RealFft Fft { get; }

    /// <summary>Real parts of the last transform (N/2 + 1 bins).</summary>
    public float[] Re { get; }

    /// <summary>Imaginary parts of the last transform.</summary>
    public float[] Im { get; }

    /// <summary>Bins per spectrum (N/2 + 1).</summary>
    public int BinCount => Fft.BinCount;

    /// <summary>Windows <paramref name="frame"/> and transforms it into <see cref="Re"/>/<see cref="Im"/>.</summary>
    public void Transform(ReadOnlySpan<float> frame)
    {
        SpanMath.Multiply(frame, Window, _windowed);
        Fft.Forward(_windowed, Re, Im);
    }

    /// <summary>Transforms and writes |X[k]|² into <paramref name="power"/>.</summary>
    public void Power(ReadOnlySpan<float> frame, Span<float> power)
    {
        Transform(frame);
        var n = BinCount;
        SpanMath.Multiply(Re.AsSpan(0, n), Re.AsSpan(0, n), power[..n]);
        SpanMath.MultiplyAdd(Im.AsSpan(0, n), Im.AsSpan(0, n), power[..n], power[..n]);
    }

    /// <summary>Transforms and writes |X[k]| into <paramref name="magnitude"/>.</summary>
    public void Magnitude(ReadOnlySpan<float> frame, Span<float> magnitude)
    {
        Power(frame, magnitude);
        SpanMath.Sqrt(magnitude[..BinCount], magnitude[..BinCount]);
    }
}
