namespace Auralis.Vst3.Processing;

/// <summary>
/// What replaces a failed plugin: each output channel replays an input channel delayed by the plugin's latency, so the
/// timing the DAW compensates for stays right. Fed every block while the plugin is healthy, so it is ready the moment
/// the plugin fails. Preallocated; never allocates.
/// </summary>
internal sealed class LatencyBypass
{
    private readonly float[][] _rings;
    private readonly int[] _source;
    private int _write;

    public LatencyBypass(int outputChannels, int inputChannels, int latency)
    {
        _rings = new float[outputChannels][];
        _source = new int[outputChannels];
        for (var c = 0; c < outputChannels; c++)
        {
            _rings[c] = new float[Math.Max(1, latency)];
            _source[c] = c % Math.Max(1, inputChannels);
        }
        Latency = latency;
    }

    public int Latency { get; }

    /// <summary>Feeds <paramref name="frames"/> input frames; when <paramref name="replace"/>, writes the delayed input to the outputs.</summary>
    public void Run(float[][] inputs, float[][] outputs, int frames, bool replace)
    {
        if (inputs.Length == 0)
        {
            return;
        }
        var start = _write;
        for (var c = 0; c < _rings.Length; c++)
        {
            var input = inputs[_source[c]];
            if (Latency == 0)
            {
                if (replace)
                {
                    input.AsSpan(0, frames).CopyTo(outputs[c]);
                }
                continue;
            }
            var ring = _rings[c];
            var w = start;
            for (var i = 0; i < frames; i++)
            {
                var delayed = ring[w];
                ring[w] = input[i];
                if (replace)
                {
                    outputs[c][i] = delayed;
                }
                if (++w == ring.Length)
                {
                    w = 0;
                }
            }
            _write = w;
        }
    }

    public void Clear()
    {
        foreach (var ring in _rings)
        {
            Array.Clear(ring);
        }
        _write = 0;
    }
}
