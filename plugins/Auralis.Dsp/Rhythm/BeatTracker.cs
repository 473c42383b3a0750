namespace Auralis.Dsp.Rhythm;

/// <summary>
/// Beat times by dynamic programming (Ellis 2007, as librosa's <c>beat_track</c>): the onset envelope, normalised by its
/// standard deviation and smoothed by a Gaussian of a 32nd of the period, is the local score; each frame's cumulative
/// score is its local score plus the best predecessor between half and twice a period back, penalised by
/// −tightness·log²(gap/period) (tightness 100); the path is traced back from the best cumulative score near the end, and
/// leading/trailing beats weaker than half the local score's RMS are trimmed. Control thread; allocates.
/// </summary>
public static class BeatTracker
{
    /// <summary>How strongly beats keep to the period.</summary>
    public const double Tightness = 100;

    /// <summary>Beat positions as envelope frame indices.</summary>
    public static int[] Track(ReadOnlySpan<float> envelope, double periodFrames)
    {
        var n = envelope.Length;
        if (n < 4 || periodFrames < 1)
        {
            return [];
        }
        double mean = 0, sq = 0;
        foreach (var v in envelope)
        {
            mean += v;
            sq += v * (double)v;
        }
        mean /= n;
        var std = Math.Sqrt(Math.Max(0, sq / n - mean * mean));
        if (std <= 1e-12)
        {
            return [];
        }
        // Local score: the envelope / std, smoothed with a Gaussian of σ = period/32 (±4σ).
        var sigma = Math.Max(0.5, periodFrames / 32);
        var radius = (int)Math.Ceiling(4 * sigma);
        var kernel = new double[2 * radius + 1];
        for (var i = -radius; i <= radius; i++)
        {
            kernel[i + radius] = Math.Exp(-0.5 * i * i / (sigma * sigma));
        }
        var local = new double[n];
        for (var t = 0; t < n; t++)
        {
            double s = 0;
            for (var i = -radius; i <= radius; i++)
            {
                var u = t + i;
                if (u >= 0 && u < n)
                {
                    s += envelope[u] / std * kernel[i + radius];
                }
            }
            local[t] = s;
        }

        var cumulative = new double[n];
        var back = new int[n];
        var from = (int)Math.Round(2 * periodFrames);
        var to = Math.Max(1, (int)Math.Round(periodFrames / 2));
        for (var t = 0; t < n; t++)
        {
            var best = double.NegativeInfinity;
            var link = -1;
            for (var gap = to; gap <= from; gap++)
            {
                var u = t - gap;
                if (u < 0)
                {
                    break;
                }
                var penalty = Math.Log(gap / periodFrames);
                var score = cumulative[u] - Tightness * penalty * penalty;
                if (score > best)
                {
                    best = score;
                    link = u;
                }
            }
            cumulative[t] = local[t] + (link >= 0 ? best : 0);
            back[t] = link;
        }

        // Start from the last local maximum of the cumulative score that is at least half the median of such maxima.
        var maxima = new List<int>();
        for (var t = 1; t < n - 1; t++)
        {
            if (cumulative[t] > cumulative[t - 1] && cumulative[t] >= cumulative[t + 1])
            {
                maxima.Add(t);
            }
        }
        if (maxima.Count == 0)
        {
            return [];
        }
        var sorted = maxima.Select(t => cumulative[t]).Order().ToArray();
        var median = sorted[sorted.Length / 2];
        var last = maxima.Last(t => cumulative[t] >= 0.5 * median);
        var beats = new List<int>();
        for (var t = last; t >= 0; t = back[t])
        {
            beats.Add(t);
        }
        beats.Reverse();

        // Trim weak beats at both ends (silence or fade before the music starts or after it stops).
        var rms = Math.Sqrt(local.Select(v => v * v).Average());
        var threshold = 0.5 * rms;
        var first = beats.FindIndex(b => local[b] >= threshold);
        var end = beats.FindLastIndex(b => local[b] >= threshold);
        return first < 0 ? [] : beats.GetRange(first, end - first + 1).ToArray();
    }
}
