namespace Auralis.Plugins.Enhancer;

/// <summary>
/// A second-order IIR section (transposed direct form II, double precision state), with the designs the enhancer uses:
/// RBJ cookbook shelves and peaks, and the two ITU-R BS.1770 K-weighting stages.
/// </summary>
internal struct Biquad
{
    private double _b0, _b1, _b2, _a1, _a2;
    private double _z1, _z2;

    /// <summary>A filter that passes the signal unchanged.</summary>
    public static Biquad Identity => new() { _b0 = 1 };

    /// <summary>Filters one sample.</summary>
    public double Process(double x)
    {
        var y = (_b0 * x) + _z1;
        _z1 = (_b1 * x) - (_a1 * y) + _z2;
        _z2 = (_b2 * x) - (_a2 * y);
        return y;
    }

    /// <summary>Forgets the signal's history.</summary>
    public void Clear() => _z1 = _z2 = 0;

    /// <summary>Changes the coefficients, keeping the state (no click when gains move slightly).</summary>
    public void SetCoefficients(in Biquad design) => (_b0, _b1, _b2, _a1, _a2) = (design._b0, design._b1, design._b2, design._a1, design._a2);

    /// <summary>Power gain |H(e^jω)|² at <paramref name="hz"/>.</summary>
    public readonly double PowerGainAt(double hz, double sampleRate)
    {
        var w = 2 * Math.PI * hz / sampleRate;
        var (c1, s1, c2, s2) = (Math.Cos(w), -Math.Sin(w), Math.Cos(2 * w), -Math.Sin(2 * w));
        var (nr, ni) = (_b0 + (_b1 * c1) + (_b2 * c2), (_b1 * s1) + (_b2 * s2));
        var (dr, di) = (1 + (_a1 * c1) + (_a2 * c2), (_a1 * s1) + (_a2 * s2));
        return ((nr * nr) + (ni * ni)) / ((dr * dr) + (di * di));
    }

    /// <summary>RBJ peaking filter: <paramref name="gainDb"/> at <paramref name="hz"/>, bandwidth set by <paramref name="q"/>.</summary>
    public static Biquad Peaking(double hz, double q, double gainDb, double sampleRate)
    {
        var a = Math.Pow(10, gainDb / 40);
        var w = 2 * Math.PI * hz / sampleRate;
        var alpha = Math.Sin(w) / (2 * q);
        var cos = Math.Cos(w);
        return Normalised(1 + (alpha * a), -2 * cos, 1 - (alpha * a), 1 + (alpha / a), -2 * cos, 1 - (alpha / a));
    }

    /// <summary>RBJ low shelf (slope 1): <paramref name="gainDb"/> below <paramref name="hz"/>.</summary>
    public static Biquad LowShelf(double hz, double gainDb, double sampleRate)
    {
        var a = Math.Pow(10, gainDb / 40);
        var w = 2 * Math.PI * hz / sampleRate;
        var (cos, alpha) = (Math.Cos(w), Math.Sin(w) / Math.Sqrt(2));
        var k = 2 * Math.Sqrt(a) * alpha;
        return Normalised(a * ((a + 1) - ((a - 1) * cos) + k), 2 * a * ((a - 1) - ((a + 1) * cos)), a * ((a + 1) - ((a - 1) * cos) - k),
            (a + 1) + ((a - 1) * cos) + k, -2 * ((a - 1) + ((a + 1) * cos)), (a + 1) + ((a - 1) * cos) - k);
    }

    /// <summary>RBJ high shelf (slope 1): <paramref name="gainDb"/> above <paramref name="hz"/>.</summary>
    public static Biquad HighShelf(double hz, double gainDb, double sampleRate)
    {
        var a = Math.Pow(10, gainDb / 40);
        var w = 2 * Math.PI * hz / sampleRate;
        var (cos, alpha) = (Math.Cos(w), Math.Sin(w) / Math.Sqrt(2));
        var k = 2 * Math.Sqrt(a) * alpha;
        return Normalised(a * ((a + 1) + ((a - 1) * cos) + k), -2 * a * ((a - 1) + ((a + 1) * cos)), a * ((a + 1) + ((a - 1) * cos) - k),
            (a + 1) - ((a - 1) * cos) + k, 2 * ((a - 1) - ((a + 1) * cos)), (a + 1) - ((a - 1) * cos) - k);
    }

    /// <summary>
    /// BS.1770 K-weighting, stage 1: the head's acoustic effect, a +4 dB high shelf around 1.7 kHz. Designed from the
    /// analogue prototype for any sample rate (equal to the standard's tabled coefficients at 48 kHz).
    /// </summary>
    public static Biquad KWeightingShelf(double sampleRate)
    {
        const double f0 = 1681.974450955533, gainDb = 3.999843853973347, q = 0.7071752369554196;
        var k = Math.Tan(Math.PI * f0 / sampleRate);
        var vh = Math.Pow(10, gainDb / 20);
        var vb = Math.Pow(vh, 0.4996667741545416);
        return Normalised(vh + (vb * k / q) + (k * k), 2 * ((k * k) - vh), vh - (vb * k / q) + (k * k), 1 + (k / q) + (k * k), 2 * ((k * k) - 1), 1 - (k / q) + (k * k));
    }

    /// <summary>BS.1770 K-weighting, stage 2: the RLB high-pass around 38 Hz.</summary>
    public static Biquad KWeightingHighPass(double sampleRate)
    {
        const double f0 = 38.13547087602444, q = 0.5003270373238773;
        var k = Math.Tan(Math.PI * f0 / sampleRate);
        var a0 = 1 + (k / q) + (k * k);
        return new Biquad { _b0 = 1, _b1 = -2, _b2 = 1, _a1 = 2 * ((k * k) - 1) / a0, _a2 = (1 - (k / q) + (k * k)) / a0 };
    }

    private static Biquad Normalised(double b0, double b1, double b2, double a0, double a1, double a2) =>
        new() { _b0 = b0 / a0, _b1 = b1 / a0, _b2 = b2 / a0, _a1 = a1 / a0, _a2 = a2 / a0 };
}
