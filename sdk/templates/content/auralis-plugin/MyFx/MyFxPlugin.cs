using Auralis.Sdk;

namespace MyFx;

/// <summary>
/// A gain with a per-sample smoother: a complete, correct Auralis processor to start from. Replace the processing in
/// <see cref="Process"/>; keep its rules (no allocation, no locks, no I/O there).
/// </summary>
public sealed class MyFxPlugin : IAudioPlugin
{
    private static readonly PluginDescriptor Facts = new(
        id: "com.example.myfx",                       // stable forever: state and sessions refer to it
        name: "MyFx",
        vendor: "com.example",
        version: new SemanticVersion(1, 0, 0),        // keep equal to "version" in plugin.json
        kind: PluginKind.Processor,
        layouts: [AudioLayout.Stereo, AudioLayout.Mono],
        parameters: [new ParameterInfo("volume_db", "Volume", -60f, 12f, -6f, "dB")]);

    private double _smoothing;
    private double _gain = double.NaN;

    /// <inheritdoc />
    public PluginDescriptor Descriptor => Facts;

    /// <inheritdoc />
    public int LatencySamples => 0;

    /// <inheritdoc />
    public int TailSamples => 0;

    /// <inheritdoc />
    public void Initialize(AudioSetup setup) =>
        // Allocate and precompute here: Process may not allocate. A 5 ms one-pole smoother at this sample rate.
        _smoothing = 1 - Math.Exp(-1 / (0.005 * setup.SampleRate));

    /// <inheritdoc />
    public void Reset() => _gain = double.NaN; // the next block starts at its parameter value, not from a ramp

    /// <inheritdoc />
    public ProcessStatus Process(in ProcessContext context)
    {
        var target = Math.Pow(10, context.Parameters[0] / 20.0);
        var start = double.IsNaN(_gain) ? target : _gain;
        var g = start;
        for (var c = 0; c < context.OutputChannelCount; c++)
        {
            var input = context.Input(c);
            var output = context.Output(c);
            g = start;
            for (var i = 0; i < input.Length; i++)
            {
                g += (target - g) * _smoothing;
                var x = input[i];
                output[i] = float.IsFinite(x) ? (float)(x * g) : 0f; // NaN/Inf in must not become NaN out
            }
        }
        _gain = g;
        return ProcessStatus.Normal;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
