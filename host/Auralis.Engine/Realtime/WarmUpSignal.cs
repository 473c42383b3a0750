using Auralis.Engine.Plugins;

namespace Auralis.Engine.Realtime;

/// <summary>
/// What every realtime adapter (the live graph behind JACK, the VST3 bridge) plays through plugins on a control thread
/// before their audio thread calls them, so that their code is compiled and their lazy state built there, not in a
/// callback: a 441 Hz tone, noise and 120 BPM clicks, so analyzers take their full paths (they skip silent frames,
/// and onset and tempo code needs beats). The adapter resets the plugins afterwards.
/// </summary>
/// <remarks>
/// How long: the first time a loaded plugin is warmed in this process it gets <see cref="FirstSeconds"/>, long enough
/// for the first occurrence of the built-ins' periodic work (the fingerprint publishes every 2 s; the running tempo
/// starts at 4 s and finishes its first estimate at 5 s) — measured with <c>auralis run --stats</c>, each first
/// occurrence compiled on the audio thread was a 2–4 ms callback, an xrun at 64 and 128 frames, and in Ardour a VST3
/// instance warmed with one block of silence allocated 24 624 bytes on the audio thread at the fingerprint's first
/// publish. Compiled code stays for the process, so plugins already warmed (the same plugin id from the same folder) get
/// <see cref="LaterSeconds"/> — a graph swap, a second instance — and go live without the wait.
/// </remarks>
public static class WarmUpSignal
{
    /// <summary>Seconds for a set of plugins any of which has not been warmed in this process.</summary>
    public const double FirstSeconds = 8;

    /// <summary>Seconds for plugins every one of which has been warmed before.</summary>
    public const double LaterSeconds = 0.25;

    private static readonly HashSet<(string Folder, string Id)> Warmed = [];

    /// <summary>How many seconds of the signal to play through <paramref name="plugins"/>.</summary>
    public static double SecondsFor(IEnumerable<LoadedPlugin> plugins)
    {
        lock (Warmed)
        {
            return plugins.All(p => Warmed.Contains((p.Folder, p.Id))) ? LaterSeconds : FirstSeconds;
        }
    }

    /// <summary>
    /// Frames of the signal to play through <paramref name="plugins"/> whose output lags their input by up to
    /// <paramref name="flushSamples"/> (latency and tail): <see cref="SecondsFor"/>, and at least the flush (up to 2 s)
    /// so that a long latency's output path runs too.
    /// </summary>
    public static long FramesFor(IEnumerable<LoadedPlugin> plugins, double sampleRate, long flushSamples) =>
        (long)Math.Max(sampleRate * SecondsFor(plugins), Math.Min(flushSamples, sampleRate * 2));

    /// <summary>Records that <paramref name="plugins"/> have played the signal (a no-op for those already warmed).</summary>
    public static void MarkWarmed(IEnumerable<LoadedPlugin> plugins)
    {
        lock (Warmed)
        {
            foreach (var plugin in plugins)
            {
                Warmed.Add((plugin.Folder, plugin.Id));
            }
        }
    }

    /// <summary>
    /// Writes frames <paramref name="firstFrame"/> … of channel <paramref name="channel"/> at
    /// <paramref name="sampleRate"/>: the same values for the same frame however the signal is cut into blocks.
    /// </summary>
    public static void Write(Span<float> destination, long firstFrame, int channel, double sampleRate)
    {
        var clickEvery = (long)(sampleRate / 2);
        for (var i = 0; i < destination.Length; i++)
        {
            var frame = firstFrame + i;
            var click = frame % clickEvery < 64 ? 0.5 : 0;
            destination[i] = (float)(0.25 * Math.Sin(2 * Math.PI * 441 * frame / sampleRate) + 0.1 * (Noise(frame, channel) - 0.5) + click);
        }
    }

    // Uniform in [0, 1) from the frame and channel alone (a 64-bit mix, SplitMix64's finaliser).
    private static double Noise(long frame, int channel)
    {
        var z = (ulong)frame * 0x9E3779B97F4A7C15UL + (ulong)(channel + 1) * 0xD1B54A32D192ED03UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
