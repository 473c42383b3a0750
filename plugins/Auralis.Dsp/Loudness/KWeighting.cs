using System.Runtime.Intrinsics;

namespace Auralis.Dsp.Loudness;

/// <summary>
/// ITU-R BS.1770's K-weighting — the high shelf (+4 dB above ~1.7 kHz) then the RLB high-pass (~38 Hz), two biquads in
/// direct form II transposed with double-precision state — for one or two channels at once: left in lane 0 and right in
/// lane 1 of the same vector operations. The filters' state is kept in registers across a run of samples rather than in
/// fields between samples (a store and reload on every step of the recursion), and each state update is one fused
/// multiply-add onto the terms that do not depend on the output just computed, so the recursion waits on two
/// operations per sample and stage rather than four. Allocation-free.
/// </summary>
public sealed class KWeighting
{
    private readonly Vector128<double> _sb0, _sb1, _sb2, _sa1, _sa2; // shelf; the feedback coefficients negated
    private readonly Vector128<double> _hb1, _ha1, _ha2;             // high-pass (b0 = b2 = 1); the same
    private Vector128<double> _s1, _s2, _h1, _h2;

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
        _hb1 = Vector128.Create(-2.0);
        _ha1 = Vector128.Create(-(2 * (k1 * k1 - 1) / d));
        _ha2 = Vector128.Create(-((1 - k1 / q1 + k1 * k1) / d));
    }

    /// <summary>
    /// Filters <paramref name="left"/> and <paramref name="right"/> (empty for mono) and adds each sample's weighted
    /// energy z_L² + z_R² to <paramref name="energy"/> in order; NaN/±Inf count as 0. <paramref name="peak"/> becomes
    /// the largest absolute input value seen.
    /// </summary>
    public double Run(ReadOnlySpan<float> left, ReadOnlySpan<float> right, double energy, ref double peak)
    {
        var stereo = !right.IsEmpty;
        if (stereo && right.Length != left.Length)
        {
            throw new ArgumentException("left and right differ in length", nameof(right));
        }
        Vector128<double> s1 = _s1, s2 = _s2, h1 = _h1, h2 = _h2;
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
            var y = Vector128.FusedMultiplyAdd(_sb0, x, s1);
            s1 = Vector128.FusedMultiplyAdd(_sa1, y, _sb1 * x + s2);
            s2 = Vector128.FusedMultiplyAdd(_sa2, y, _sb2 * x);
            var z = y + h1;
            h1 = Vector128.FusedMultiplyAdd(_ha1, z, _hb1 * y + h2);
            h2 = Vector128.FusedMultiplyAdd(_ha2, z, y);
            var squares = z * z;
            energy += stereo ? squares.ToScalar() + squares.GetElement(1) : squares.ToScalar();
        }
        (_s1, _s2, _h1, _h2) = (s1, s2, h1, h2);
        peak = top;
        return energy;
    }

    /// <summary>Clears the state.</summary>
    public void Reset() => _s1 = _s2 = _h1 = _h2 = Vector128<double>.Zero;
}
