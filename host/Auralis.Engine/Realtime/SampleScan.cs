using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Auralis.Engine.Realtime;

/// <summary>Whole-block checks on samples, one vectorised pass, allocation-free (safe on the audio thread).</summary>
public static class SampleScan
{
    /// <summary>
    /// True when no sample is NaN or ±Inf: x·0 is 0 for every finite x and NaN otherwise, and a NaN in any lane survives
    /// the additions. (Summing the samples instead, as before, also overflows on absurdly loud but finite blocks, and
    /// TensorPrimitives' sum is a large generic method whose first-use compilation cost ~9 ms of every run's start-up.)
    /// </summary>
    public static bool AllFinite(ReadOnlySpan<float> samples)
    {
        ref var s = ref MemoryMarshal.GetReference(samples);
        var n = samples.Length;
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var poison = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                poison += Vector512.LoadUnsafe(ref s, (nuint)i) * Vector512<float>.Zero;
            }
            if (!Vector512.EqualsAll(poison, Vector512<float>.Zero))
            {
                return false;
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var poison = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                poison += Vector256.LoadUnsafe(ref s, (nuint)i) * Vector256<float>.Zero;
            }
            if (!Vector256.EqualsAll(poison, Vector256<float>.Zero))
            {
                return false;
            }
        }
        for (; i < n; i++)
        {
            if (!float.IsFinite(samples[i]))
            {
                return false;
            }
        }
        return true;
    }
}
