namespace Auralis.Dsp;

/// <summary>Analysis and synthesis windows.</summary>
public static class Windows
{
    /// <summary>
    /// A Hann window of <paramref name="length"/> samples. Periodic (the default, as scipy/librosa <c>hann</c> with
    /// <c>fftbins=True</c>): w[n] = 0.5 − 0.5·cos(2πn/N), which overlap-adds to a constant at hops of N/2, N/4, …;
    /// symmetric: w[n] = 0.5 − 0.5·cos(2πn/(N−1)).
    /// </summary>
    public static float[] Hann(int length, bool periodic = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var w = new float[length];
        if (length == 1)
        {
            w[0] = 1;
            return w;
        }
        var d = periodic ? length : length - 1;
        for (var n = 0; n < length; n++)
        {
            w[n] = (float)(0.5 - 0.5 * Math.Cos(2 * Math.PI * n / d));
        }
        return w;
    }

    /// <summary>Σ w[n]² over frames overlapped every <paramref name="hop"/> samples, per sample position: the
    /// normalisation an ISTFT divides by (constant for a COLA window/hop pair once frames fully overlap).</summary>
    public static float SquaredOverlapSum(ReadOnlySpan<float> window, int hop)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hop, 1);
        double sum = 0;
        for (var n = 0; n < window.Length; n += hop)
        {
            sum += window[n] * (double)window[n];
        }
        // Σ_k w²[n + k·hop] is the same for every n when w² is COLA at this hop; the value at n = 0 stands for all.
        return (float)sum;
    }
}
