namespace Auralis.Engine.Validation;

/// <summary>The test signals the validator feeds plugins (per input channel).</summary>
internal static class Signals
{
    public static float[][] Silence(int channels, int frames) => Enumerable.Range(0, channels).Select(_ => new float[frames]).ToArray();

    public static float[][] Noise(int channels, int frames, int seed)
    {
        var rng = new Random(seed);
        var x = Silence(channels, frames);
        foreach (var ch in x)
        {
            for (var i = 0; i < frames; i++)
            {
                ch[i] = (float)(rng.NextDouble() * 1.6 - 0.8);
            }
        }
        return x;
    }

    public static float[][] Impulse(int channels, int frames, int at, float amplitude)
    {
        var x = Silence(channels, frames);
        foreach (var ch in x)
        {
            ch[at] = amplitude;
        }
        return x;
    }

    /// <summary>Noise with NaN, +Inf and −Inf scattered through it, then clean noise to see the plugin recover.</summary>
    public static float[][] NanInf(int channels, int frames, int seed)
    {
        var x = Noise(channels, frames, seed);
        foreach (var ch in x)
        {
            for (var i = 100; i < frames / 2; i += 997)
            {
                ch[i] = float.NaN;
                ch[i + 1] = float.PositiveInfinity;
                ch[i + 2] = float.NegativeInfinity;
            }
        }
        return x;
    }

    /// <summary>Denormal values (alternating sign) and a tone decaying through the denormal range.</summary>
    public static float[][] Denormal(int channels, int frames)
    {
        var x = Silence(channels, frames);
        foreach (var ch in x)
        {
            for (var i = 0; i < frames / 2; i++)
            {
                ch[i] = (i % 2 == 0 ? 1 : -1) * 1e-39f * (1 + i % 7);
            }
            var a = 0.5;
            for (var i = frames / 2; i < frames; i++)
            {
                ch[i] = (float)(a * Math.Sin(i * 0.05));
                a *= 0.995; // reaches the denormal range well before the end
            }
        }
        return x;
    }
}
