using Auralis.Offline.SndFile;

namespace Auralis.Tests.Support;

/// <summary>Signals and file helpers for tests (files go through the real libsndfile).</summary>
public static class TestAudio
{
    /// <summary>Writes channels to a file (format from the extension) and returns the path.</summary>
    public static string Write(string path, float[][] channels, int sampleRate = 48000, SampleEncoding encoding = SampleEncoding.Default)
    {
        using var w = AudioFileWriter.Create(path, AudioOutputFormat.ForPath(path, encoding), sampleRate, channels.Length);
        w.Write(channels, 0, channels[0].Length);
        w.Commit();
        return path;
    }

    /// <summary>Reads a whole file.</summary>
    public static float[][] Read(string path) => AudioFileReader.ReadAll(path, out _);

    /// <summary>Reproducible noise in [-amplitude, amplitude].</summary>
    public static float[] Noise(int frames, int seed, float amplitude = 0.5f)
    {
        var rng = new Random(seed);
        var x = new float[frames];
        for (var i = 0; i < frames; i++)
        {
            x[i] = (float)(rng.NextDouble() * 2 - 1) * amplitude;
        }
        return x;
    }

    /// <summary>A sine.</summary>
    public static float[] Sine(int frames, double hz, int sampleRate, float amplitude = 0.5f, double phase = 0)
    {
        var x = new float[frames];
        for (var i = 0; i < frames; i++)
        {
            x[i] = (float)(amplitude * Math.Sin(2 * Math.PI * hz * i / sampleRate + phase));
        }
        return x;
    }

    /// <summary>A stereo test signal: different noise in each channel plus a sine, so channel swaps show.</summary>
    public static float[][] StereoMix(int frames, int sampleRate, int seed = 1)
    {
        var l = Noise(frames, seed, 0.3f);
        var r = Noise(frames, seed + 1, 0.3f);
        var s = Sine(frames, 441, sampleRate, 0.3f);
        for (var i = 0; i < frames; i++)
        {
            l[i] += s[i];
            r[i] -= s[i];
        }
        return [l, r];
    }

    /// <summary>Largest absolute difference over equal-length prefixes; +∞ if lengths differ.</summary>
    public static double MaxAbsDiff(float[] a, float[] b)
    {
        if (a.Length != b.Length)
        {
            return double.PositiveInfinity;
        }
        double m = 0;
        for (var i = 0; i < a.Length; i++)
        {
            m = Math.Max(m, Math.Abs(a[i] - b[i]));
        }
        return m;
    }
}
