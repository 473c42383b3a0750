namespace Auralis.Dsp.Loudness;

/// <summary>A second-order IIR section (direct form II transposed, double precision state). Allocation-free.</summary>
public sealed class Biquad(double b0, double b1, double b2, double a1, double a2)
{
    private double _z1, _z2;

    /// <summary>Filters one sample.</summary>
    public double Process(double x)
    {
        var y = b0 * x + _z1;
        _z1 = b1 * x - a1 * y + _z2;
        _z2 = b2 * x - a2 * y;
        return y;
    }

    /// <summary>Clears the state.</summary>
    public void Reset() => _z1 = _z2 = 0;

    /// <summary>
    /// The two stages of ITU-R BS.1770's K-weighting for any sample rate: the high shelf (+4 dB above ~1.7 kHz) and the
    /// RLB high-pass (~38 Hz), each designed from its analogue prototype with the bilinear transform (the design
    /// libebur128 uses; at 48 kHz it reproduces the coefficients printed in the standard).
    /// </summary>
    public static (Biquad Shelf, Biquad HighPass) KWeighting(double sampleRate)
    {
        const double f0 = 1681.974450955533, gainDb = 3.999843853973347, q = 0.7071752369554196;
        var k = Math.Tan(Math.PI * f0 / sampleRate);
        var vh = Math.Pow(10, gainDb / 20);
        var vb = Math.Pow(vh, 0.4996667741545416);
        var a0 = 1 + k / q + k * k;
        var shelf = new Biquad((vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0,
            2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0);

        const double f1 = 38.13547087602444, q1 = 0.5003270373238773;
        var k1 = Math.Tan(Math.PI * f1 / sampleRate);
        var d = 1 + k1 / q1 + k1 * k1;
        var highPass = new Biquad(1, -2, 1, 2 * (k1 * k1 - 1) / d, (1 - k1 / q1 + k1 * k1) / d);
        return (shelf, highPass);
    }
}
