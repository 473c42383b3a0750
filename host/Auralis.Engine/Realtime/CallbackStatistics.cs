using System.Diagnostics;

namespace Auralis.Engine.Realtime;

/// <summary>
/// Turns the audio thread's <see cref="CallbackTiming"/> records into the counters people read: callback count, average
/// and longest callback, the largest gap between callback starts (a stall before a callback's first line, such as a
/// garbage collection elsewhere in the process, shows only here) and DSP load. Thread: one reader, never the audio thread.
/// </summary>
public sealed class CallbackStatistics
{
    private readonly double _sampleRate;
    private readonly long _warmUpTicks;
    private readonly long _windowTicks = Stopwatch.Frequency;
    private long _first;
    private long _previousStart;
    private long _busyTicks;
    private long _windowStart;
    private long _windowBusy;

    /// <summary>Creates empty statistics.</summary>
    /// <param name="sampleRate">Samples per second (to express gaps in periods).</param>
    /// <param name="warmUp">Start-up time excluded from the "after warm-up" figures.</param>
    public CallbackStatistics(double sampleRate, TimeSpan? warmUp = null)
    {
        _sampleRate = sampleRate;
        _warmUpTicks = (long)((warmUp ?? TimeSpan.FromSeconds(1)).TotalSeconds * Stopwatch.Frequency);
    }

    /// <summary>Callbacks seen.</summary>
    public long Callbacks { get; private set; }

    /// <summary>Frames of the latest callback (the period).</summary>
    public int Period { get; private set; }

    /// <summary>Average time inside a callback, µs.</summary>
    public double AverageCallbackMicroseconds => Callbacks == 0 ? 0 : ToMicroseconds(_busyTicks) / Callbacks;

    /// <summary>Longest time inside a callback, µs.</summary>
    public double MaxCallbackMicroseconds { get; private set; }

    /// <summary>Longest time inside a callback once the warm-up is over, µs.</summary>
    public double MaxCallbackAfterWarmUpMicroseconds { get; private set; }

    /// <summary>Largest time between two consecutive callback starts, µs.</summary>
    public double LargestGapMicroseconds { get; private set; }

    /// <summary>Largest gap between callback starts once the warm-up is over, µs.</summary>
    public double LargestGapAfterWarmUpMicroseconds { get; private set; }

    /// <summary>The largest gap after warm-up in periods (1.0 is a perfectly regular stream).</summary>
    public double LargestGapAfterWarmUpPeriods => Period == 0 ? 0 : LargestGapAfterWarmUpMicroseconds / (Period / _sampleRate * 1e6);

    /// <summary>Seconds from the first callback's start to the latest one's end.</summary>
    public double ElapsedSeconds { get; private set; }

    /// <summary>Share of the elapsed time spent inside callbacks, percent.</summary>
    public double DspLoadPercent => ElapsedSeconds <= 0 ? 0 : 100 * ToMicroseconds(_busyTicks) / 1e6 / ElapsedSeconds;

    /// <summary>The DSP load of the busiest one-second window after warm-up, percent.</summary>
    public double MaxWindowDspLoadPercent { get; private set; }

    /// <summary>Adds one callback.</summary>
    public void Add(in CallbackTiming timing)
    {
        if (Callbacks == 0)
        {
            _first = _windowStart = timing.Start;
        }
        else
        {
            var gap = ToMicroseconds(timing.Start - _previousStart);
            LargestGapMicroseconds = Math.Max(LargestGapMicroseconds, gap);
            if (timing.Start - _first > _warmUpTicks)
            {
                LargestGapAfterWarmUpMicroseconds = Math.Max(LargestGapAfterWarmUpMicroseconds, gap);
            }
        }
        _previousStart = timing.Start;
        var busy = timing.End - timing.Start;
        _busyTicks += busy;
        MaxCallbackMicroseconds = Math.Max(MaxCallbackMicroseconds, ToMicroseconds(busy));
        if (Callbacks > 0 && timing.Start - _first > _warmUpTicks)
        {
            MaxCallbackAfterWarmUpMicroseconds = Math.Max(MaxCallbackAfterWarmUpMicroseconds, ToMicroseconds(busy));
        }
        Period = timing.Frames;
        Callbacks++;
        ElapsedSeconds = (timing.End - _first) / (double)Stopwatch.Frequency;

        _windowBusy += busy;
        var windowLength = timing.End - _windowStart;
        if (windowLength >= _windowTicks)
        {
            if (_windowStart - _first >= _warmUpTicks)
            {
                MaxWindowDspLoadPercent = Math.Max(MaxWindowDspLoadPercent, 100.0 * _windowBusy / windowLength);
            }
            _windowStart = timing.End;
            _windowBusy = 0;
        }
    }

    /// <summary>Drains every timing <paramref name="runner"/> has published.</summary>
    public void Drain(RealtimeRunner runner)
    {
        while (runner.TryReadTiming(out var timing))
        {
            Add(timing);
        }
    }

    private static double ToMicroseconds(long ticks) => ticks * 1e6 / Stopwatch.Frequency;
}
