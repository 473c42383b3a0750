namespace Auralis.Dsp.Rhythm;

/// <summary>
/// The onset strength envelope: spectral flux on a log-mel spectrum (librosa's <c>onset.onset_strength</c> recipe):
/// a 128-band mel power spectrum of each 2048-sample Hann frame, in dB with a −100 dB floor, and per frame the mean over
/// bands of the positive change since the previous frame. Allocation-free after construction.
/// </summary>
public sealed class OnsetStrength
{
    /// <summary>Mel bands.</summary>
    public const int Bands = 128;

    private readonly Spectrum _spectrum;
    private readonly MelFilterbank _mel;
    private readonly float[] _power;
    private readonly float[] _bands = new float[Bands];
    private readonly float[] _previous = new float[Bands];
    private bool _first = true;

    /// <summary>Creates the envelope for frames of <paramref name="frameSize"/> samples.</summary>
    public OnsetStrength(double sampleRate, int frameSize)
    {
        _spectrum = new Spectrum(Windows.Hann(frameSize));
        _mel = new MelFilterbank(sampleRate, frameSize, Bands);
        _power = new float[_spectrum.BinCount];
    }

    /// <summary>The flux of this frame (0 for the first one). Also leaves the frame's power spectrum in <see cref="Power"/>.</summary>
    public float Next(ReadOnlySpan<float> frame)
    {
        _spectrum.Power(frame, _power);
        _mel.Apply(_power, _bands);
        // dB with a −100 dB floor, all bands at once (vectorised logarithm, within an ulp).
        SpanMath.Max(_bands, 1e-10f, _bands);
        SpanMath.Log10(_bands, _bands);
        SpanMath.Multiply(_bands, 10f, _bands);
        double flux = 0;
        for (var b = 0; b < Bands; b++)
        {
            var db = _bands[b];
            if (!_first)
            {
                var rise = db - _previous[b];
                if (rise > 0)
                {
                    flux += rise;
                }
            }
            _previous[b] = db;
        }
        _first = false;
        return (float)(flux / Bands);
    }

    /// <summary>The power spectrum of the last frame.</summary>
    public ReadOnlySpan<float> Power => _power;

    /// <summary>Starts again.</summary>
    public void Reset()
    {
        Array.Clear(_previous);
        _first = true;
    }
}
