using System.Numerics.Tensors;

namespace Auralis.Dsp.Pitch;

/// <summary>One YIN estimate.</summary>
/// <param name="Hz">Fundamental frequency, or 0 when unvoiced.</param>
/// <param name="Confidence">1 − d′(τ) at the chosen lag (0..1; 0 for silence).</param>
/// <param name="Voiced">True when d′ fell under the threshold within [fmin, fmax].</param>
public readonly record struct PitchEstimate(float Hz, float Confidence, bool Voiced);

/// <summary>
/// YIN (de Cheveigné &amp; Kawahara 2002) on frames of <c>2·W</c> samples: the difference function
/// d(τ) = Σ_{j&lt;W} (x[j] − x[j+τ])² computed through the FFT (d(τ) = r_t(0) + r_{t+τ}(0) − 2·r_t(τ), the
/// correlation r_t(τ) from one forward/inverse transform pair and the energies from a running sum of squares), the
/// cumulative mean normalised difference d′(τ) = d(τ)·τ / Σ_{k=1..τ} d(k), the absolute threshold (the first dip of d′
/// under it, followed to its local minimum) and parabolic interpolation of the minimum. Allocation-free after
/// construction; one instance per stream.
/// </summary>
public sealed class Yin
{
    private readonly int _frame;
    private readonly int _window;
    private readonly RealFft _fft;
    private readonly float[] _lead;      // the first W samples, zero padded to the frame size
    private readonly float[] _re, _im, _re2, _im2;
    private readonly float[] _correlation;
    private readonly double[] _energy;   // cumulative sum of squares of the frame
    private readonly float[] _cmnd;      // d′(τ), τ = 0..W−1

    /// <summary>Creates an estimator for frames of <paramref name="frameSize"/> samples (a power of two); W = frameSize/2.</summary>
    public Yin(int frameSize, double sampleRate)
    {
        _frame = frameSize;
        _window = frameSize / 2;
        SampleRate = sampleRate;
        _fft = new RealFft(frameSize);
        _lead = new float[frameSize];
        _re = new float[_fft.BinCount];
        _im = new float[_fft.BinCount];
        _re2 = new float[_fft.BinCount];
        _im2 = new float[_fft.BinCount];
        _correlation = new float[frameSize];
        _energy = new double[frameSize + 1];
        _cmnd = new float[_window];
    }

    /// <summary>Samples per frame (2·W).</summary>
    public int FrameSize => _frame;

    /// <summary>Samples per second.</summary>
    public double SampleRate { get; }

    /// <summary>The cumulative mean normalised difference of the last frame (d′(0) = 1), for diagnostics and tests.</summary>
    public ReadOnlySpan<float> Cmnd => _cmnd;

    /// <summary>Estimates the pitch of <paramref name="frame"/> (exactly <see cref="FrameSize"/> finite samples).</summary>
    public PitchEstimate Estimate(ReadOnlySpan<float> frame, float threshold, float minHz, float maxHz)
    {
        var w = _window;
        // Lags searched: τ ≥ 2 keeps parabolic interpolation inside the array; τ ≤ W − 2 likewise.
        var tauMin = Math.Clamp((int)Math.Floor(SampleRate / maxHz), 2, w - 2);
        var tauMax = Math.Clamp((int)Math.Ceiling(SampleRate / minHz), tauMin, w - 2);

        // r_t(τ) = Σ_{j<W} x[j]·x[j+τ]: correlate the frame with its first W samples. The frame is 2W long and
        // τ < W, so j + τ < 2W never wraps in the circular correlation of size 2W.
        _fft.Forward(frame, _re, _im);
        frame[..w].CopyTo(_lead);
        _fft.Forward(_lead, _re2, _im2);
        // X · conj(A)
        for (var k = 0; k < _re.Length; k++)
        {
            float xr = _re[k], xi = _im[k], ar = _re2[k], ai = _im2[k];
            _re[k] = xr * ar + xi * ai;
            _im[k] = xi * ar - xr * ai;
        }
        _fft.Inverse(_re, _im, _correlation);

        _energy[0] = 0;
        for (var j = 0; j < _frame; j++)
        {
            _energy[j + 1] = _energy[j] + frame[j] * (double)frame[j];
        }
        var e0 = _energy[w];
        _cmnd[0] = 1;
        double running = 0;
        for (var tau = 1; tau < w; tau++)
        {
            var d = e0 + (_energy[tau + w] - _energy[tau]) - 2.0 * _correlation[tau];
            if (d < 0)
            {
                d = 0; // rounding of nearly identical energies
            }
            running += d;
            // With no energy at all (silence, or values that square to zero), the frame has no pitch: d′ = 1.
            _cmnd[tau] = running > 1e-20 ? (float)(d * tau / running) : 1f;
        }

        // Absolute threshold: the first lag under it, then down to that dip's local minimum.
        var best = -1;
        for (var tau = tauMin; tau <= tauMax; tau++)
        {
            if (_cmnd[tau] < threshold)
            {
                while (tau + 1 <= tauMax && _cmnd[tau + 1] < _cmnd[tau])
                {
                    tau++;
                }
                best = tau;
                break;
            }
        }
        var voiced = best >= 0;
        if (!voiced)
        {
            // Unvoiced: report the global minimum's confidence, no frequency.
            best = tauMin + TensorPrimitives.IndexOfMin(_cmnd.AsSpan(tauMin, tauMax - tauMin + 1));
            return new PitchEstimate(0f, Math.Clamp(1f - _cmnd[best], 0f, 1f), false);
        }
        var period = Interpolate(best);
        var hz = (float)(SampleRate / period);
        if (hz < minHz || hz > maxHz || !float.IsFinite(hz))
        {
            return new PitchEstimate(0f, Math.Clamp(1f - _cmnd[best], 0f, 1f), false);
        }
        return new PitchEstimate(hz, Math.Clamp(1f - _cmnd[best], 0f, 1f), true);
    }

    // Parabola through d′ at τ−1, τ, τ+1; its vertex is the refined period.
    private double Interpolate(int tau)
    {
        double a = _cmnd[tau - 1], b = _cmnd[tau], c = _cmnd[tau + 1];
        var denominator = a - 2 * b + c;
        if (denominator <= 0)
        {
            return tau;
        }
        var shift = 0.5 * (a - c) / denominator;
        return tau + Math.Clamp(shift, -1, 1);
    }
}
