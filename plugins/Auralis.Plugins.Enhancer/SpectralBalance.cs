namespace Auralis.Plugins.Enhancer;

/// <summary>
/// Spectral balance correction: the fingerprint's seven band energy fractions are compared with a reference curve and
/// each band is moved part of the way toward it by a filter (a low shelf for the sub-bass, peaking filters for the
/// middle bands, a high shelf for the air band), at most ±<see cref="MaxCorrectionDb"/> dB.
/// </summary>
internal static class SpectralBalance
{
    /// <summary>Band names, as the fingerprint names its energy fractions.</summary>
    public static readonly string[] Bands = ["sub_bass", "bass", "low_mid", "mid", "upper_mid", "presence", "air"];

    /// <summary>Band edges in Hz (docs/fingerprint.md).</summary>
    public static readonly (double Low, double High)[] Edges =
        [(20, 60), (60, 250), (250, 500), (500, 2000), (2000, 4000), (4000, 8000), (8000, 20000)];

    /// <summary>
    /// The reference: the energy fractions of a balanced master, roughly pink up to 250 Hz and falling about 4.5 dB per
    /// octave above it, as commercial pop and rock masters do on average. Sums to 1.
    /// </summary>
    public static readonly float[] Reference = [0.10f, 0.32f, 0.16f, 0.24f, 0.09f, 0.06f, 0.03f];

    /// <summary>The largest boost or cut any band gets.</summary>
    public const double MaxCorrectionDb = 6;

    /// <summary>A band holding less than this fraction is never boosted (it holds noise, not music).</summary>
    public const double EmptyBand = 1e-4;

    /// <summary>Per band, <paramref name="amount"/> of the way (in dB) from the measured fraction to the reference.</summary>
    public static void Gains(ReadOnlySpan<float> measured, double amount, Span<double> gainsDb)
    {
        var total = 0.0;
        foreach (var m in measured)
        {
            total += Math.Max(0, m);
        }
        for (var b = 0; b < Bands.Length; b++)
        {
            var fraction = total > 0 ? Math.Max(0, measured[b]) / total : Reference[b];
            var wanted = 10 * Math.Log10(Reference[b] / Math.Max(fraction, EmptyBand));
            var g = Math.Clamp(amount * wanted, -MaxCorrectionDb, MaxCorrectionDb);
            gainsDb[b] = fraction < EmptyBand ? Math.Min(0, g) : g;
        }
    }

    /// <summary>The filter that applies <paramref name="gainDb"/> to band <paramref name="band"/>.</summary>
    public static Biquad Filter(int band, double gainDb, double sampleRate)
    {
        var (low, high) = Edges[band];
        var centre = Math.Sqrt(low * high);
        if (band == 0)
        {
            return Biquad.LowShelf(50, gainDb, sampleRate);
        }
        if (band == Bands.Length - 1)
        {
            return 9000 < 0.45 * sampleRate ? Biquad.HighShelf(9000, gainDb, sampleRate) : Biquad.Identity;
        }
        if (centre >= 0.45 * sampleRate)
        {
            return Biquad.Identity; // the band lies above what this sample rate carries
        }
        var octaves = Math.Log2(high / low);
        var q = Math.Sqrt(Math.Pow(2, octaves)) / (Math.Pow(2, octaves) - 1);
        return Biquad.Peaking(centre, q, gainDb, sampleRate);
    }

    /// <summary>The centre of band <paramref name="band"/> (geometric mean of its edges).</summary>
    public static double Centre(int band) => Math.Sqrt(Edges[band].Low * Edges[band].High);
}
