namespace Auralis.Dsp;

/// <summary>
/// Triangular mel filters over the bins of an FFT, as librosa's <c>filters.mel</c> with its defaults (Slaney mel scale,
/// <c>htk=False</c>; Slaney area normalisation), applied to a power spectrum. Allocation-free in <see cref="Apply"/>.
/// </summary>
public sealed class MelFilterbank
{
    private readonly float[][] _weights; // per mel band: weights over bins [_first[m], _first[m] + weights.Length)
    private readonly int[] _first;

    /// <summary>Builds <paramref name="bands"/> filters for an <paramref name="fftSize"/>-point FFT at <paramref name="sampleRate"/>.</summary>
    public MelFilterbank(double sampleRate, int fftSize, int bands, double minHz = 0, double maxHz = -1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bands, 1);
        if (maxHz <= 0)
        {
            maxHz = sampleRate / 2;
        }
        Bands = bands;
        BinCount = fftSize / 2 + 1;
        var melMin = HzToMel(minHz);
        var melMax = HzToMel(maxHz);
        var edges = new double[bands + 2];
        for (var i = 0; i < edges.Length; i++)
        {
            edges[i] = MelToHz(melMin + (melMax - melMin) * i / (bands + 1));
        }
        _weights = new float[bands][];
        _first = new int[bands];
        for (var m = 0; m < bands; m++)
        {
            double lo = edges[m], centre = edges[m + 1], hi = edges[m + 2];
            var norm = 2.0 / (hi - lo);
            var list = new List<float>();
            var first = -1;
            for (var k = 0; k < BinCount; k++)
            {
                var f = k * sampleRate / fftSize;
                var w = Math.Max(0, Math.Min((f - lo) / (centre - lo), (hi - f) / (hi - centre)));
                if (w > 0)
                {
                    if (first < 0)
                    {
                        first = k;
                    }
                    list.Add((float)(w * norm));
                }
                else if (first >= 0)
                {
                    break;
                }
            }
            _first[m] = Math.Max(0, first);
            _weights[m] = [.. list];
        }
    }

    /// <summary>Number of mel bands.</summary>
    public int Bands { get; }

    /// <summary>FFT bins expected (N/2 + 1).</summary>
    public int BinCount { get; }

    /// <summary>mel[m] = Σ_k W[m,k]·power[k].</summary>
    public void Apply(ReadOnlySpan<float> power, Span<float> mel)
    {
        for (var m = 0; m < Bands; m++)
        {
            var w = _weights[m];
            mel[m] = w.Length == 0 ? 0 : SpanMath.Dot(w, power.Slice(_first[m], w.Length));
        }
    }

    /// <summary>Slaney's mel scale (linear below 1 kHz, logarithmic above), librosa's default.</summary>
    public static double HzToMel(double hz)
    {
        const double fSp = 200.0 / 3, minLogHz = 1000, minLogMel = minLogHz / fSp;
        var logStep = Math.Log(6.4) / 27;
        return hz >= minLogHz ? minLogMel + Math.Log(hz / minLogHz) / logStep : hz / fSp;
    }

    /// <summary>The inverse of <see cref="HzToMel"/>.</summary>
    public static double MelToHz(double mel)
    {
        const double fSp = 200.0 / 3, minLogHz = 1000, minLogMel = minLogHz / fSp;
        var logStep = Math.Log(6.4) / 27;
        return mel >= minLogMel ? minLogHz * Math.Exp(logStep * (mel - minLogMel)) : fSp * mel;
    }
}
