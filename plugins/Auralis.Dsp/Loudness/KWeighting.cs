using System.Runtime.Intrinsics;

namespace Auralis.Dsp.Loudness;

/// <summary>
/// ITU-R BS.1770's K-weighting — the high shelf (+4 dB above ~1.7 kHz) then the RLB high-pass (~38 Hz), two biquads in
/// direct form I with double-precision state — for one or two channels at once: left in lane 0 and right in lane 1 of
/// the same vector operations. Direct form I because of the recursion: each output is one fused multiply-add onto
/// terms already known (the inputs and the output two samples back), so a sample waits on one operation per stage
/// rather than two as in the transposed form II; the state stays in registers across a run of samples. Allocation-free.
/// </summary>
public sealed class KWeighting
{
    private readonly Vector128<double> _sb0, _sb1, _sb2, _sa1, _sa2; // shelf; the feedback coefficients negated
    private readonly Vector128<double> _ha1, _ha2;                   // high-pass (b = 1, −2, 1); the same
    private Vector128<double> _x1, _x2, _y1, _y2, _z1, _z2;         // inputs, shelf and high-pass outputs, 1 and 2 back

    /// <summary>
    /// Designs both stages for <paramref name="sampleRate"/> from their analogue prototypes with the bilinear transform
    /// (the design libebur128 uses; at 48 kHz it reproduces the coefficients printed in the standard).
    /// </summary>
    public KWeighting(double sampleRate)
    {
        const double f0 = 1681.974450955533, gainDb = 3.999843853973347, q = 0.7071752369554196;
        var k = Math.Tan(Math.PI * f0 / sampleRate);
        var vh = Math.Pow(10, gainDb / 20);
        var vb = Math.Pow(vh, 0.4996667741545416);
        var a0 = 1 + k / q + k * k;
        _sb0 = Vector128.Create((vh + vb * k / q + k * k) / a0);
        _sb1 = Vector128.Create(2 * (k * k - vh) / a0);
        _sb2 = Vector128.Create((vh - vb * k / q + k * k) / a0);
        _sa1 = Vector128.Create(-(2 * (k * k - 1) / a0));
        _sa2 = Vector128.Create(-((1 - k / q + k * k) / a0));

        const double f1 = 38.13547087602444, q1 = 0.5003270373238773;
        var k1 = Math.Tan(Math.PI * f1 / sampleRate);
        var d = 1 + k1 / q1 + k1 * k1;
        _ha1 = Vector128.Create(-(2 * (k1 * k1 - 1) / d));
        _ha2 = Vector128.Create(-((1 - k1 / q1 + k1 * k1) / d));
    }

    /// <summary>
    /// Filters <paramref name="left"/> and <paramref name="right"/> (empty for mono) and returns
    /// <paramref name="energy"/> plus the run's weighted energy Σ z_L² + Σ z_R²; NaN/±Inf count as 0.
    /// <paramref name="peak"/> becomes the largest absolute input value seen.
    /// </summary>
    public double Run(ReadOnlySpan<float> left, ReadOnlySpan<float> right, double energy, ref double peak)
    {
        var stereo = !right.IsEmpty;
        if (stereo && right.Length != left.Length)
        {
            throw new ArgumentException("left and right differ in length", nameof(right));
        }
        Vector128<double> x1 = _x1, x2 = _x2, y1 = _y1, y2 = _y2, z1 = _z1, z2 = _z2;
        var squares = Vector128<double>.Zero; // per channel; added up at the end of the run
        var top = peak;
        for (var i = 0; i < left.Length; i++)
        {
            double l = left[i];
            if (!double.IsFinite(l))
            {
                l = 0;
            }
            top = Math.Max(top, Math.Abs(l));
            double r = 0;
            if (stereo)
            {
                r = right[i];
                if (!double.IsFinite(r))
                {
                    r = 0;
                }
                top = Math.Max(top, Math.Abs(r));
            }
            var x = Vector128.Create(l, r);
            var shelfInputs = _sb0 * x + _sb1 * x1 + _sb2 * x2;
            var y = Vector128.FusedMultiplyAdd(_sa1, y1, Vector128.FusedMultiplyAdd(_sa2, y2, shelfInputs));
            var z = Vector128.FusedMultiplyAdd(_ha1, z1, Vector128.FusedMultiplyAdd(_ha2, z2, y - (y1 + y1) + y2));
            squares = Vector128.FusedMultiplyAdd(z, z, squares);
            (x2, x1, y2, y1, z2, z1) = (x1, x, y1, y, z1, z);
        }
        (_x1, _x2, _y1, _y2, _z1, _z2) = (x1, x2, y1, y2, z1, z2);
        peak = top;
        return energy + squares.ToScalar() + squares.GetElement(1);
    }

    /// <summary>Clears the state.</summary>
    public void Reset() => _x1 = _x2 = _y1 = _y2 = _z1 = _z2 = Vector128<double>.Zero;
}
