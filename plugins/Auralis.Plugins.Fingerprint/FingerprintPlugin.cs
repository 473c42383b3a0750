using Auralis.Dsp.Fingerprint;
using Auralis.Dsp.Rhythm;
using Auralis.Sdk;

namespace Auralis.Plugins.Fingerprint;

/// <summary>
/// The 25-dimensional fingerprint (<see cref="FingerprintAnalyzer"/>; docs/fingerprint.md). Summary: <c>vector</c> and
/// the same values as <c>dimensions</c> (name → value). Frames: the running form of the vector every 2 s (tempo over the
/// last 12 s), which is what a live stream shows.
/// </summary>
public sealed class FingerprintPlugin : IAudioPlugin
{
    private static readonly PluginDescriptor Facts = new(
        "org.auralis.fingerprint", "Auralis Fingerprint", "Auralis", new SemanticVersion(1, 0, 0), PluginKind.Analyzer,
        [AudioLayout.StereoAnalysis, AudioLayout.MonoAnalysis], [],
        [
            new ResultInfo("running", "Running fingerprint", ResultScope.Frame, ResultKind.Vector, 25, "", FingerprintAnalyzer.Dimensions),
            new ResultInfo("vector", "Fingerprint", ResultScope.Summary, ResultKind.Vector, 25, "", FingerprintAnalyzer.Dimensions),
            new ResultInfo("dimensions", "Fingerprint dimensions", ResultScope.Summary, ResultKind.Record, 25, "", FingerprintAnalyzer.Dimensions),
        ]);

    private readonly float[] _frame = new float[25];
    private FingerprintAnalyzer? _analyzer;
    private long _publishEvery;
    private long _nextPublish;

    /// <inheritdoc />
    public PluginDescriptor Descriptor => Facts;

    /// <inheritdoc />
    public int LatencySamples => 0;

    /// <inheritdoc />
    public int TailSamples => FingerprintAnalyzer.TailSamples;

    /// <inheritdoc />
    public void Initialize(AudioSetup setup)
    {
        _analyzer = new FingerprintAnalyzer(setup.SampleRate, setup.Layout.InputChannelCount, setup.MaxBlockSize,
            setup.Mode == ProcessMode.Offline ? setup.ExpectedLength : -1);
        _publishEvery = (long)(setup.SampleRate * 2);
    }

    /// <inheritdoc />
    public void Reset()
    {
        _analyzer!.Reset();
        _nextPublish = _publishEvery;
    }

    /// <inheritdoc />
    public ProcessStatus Process(in ProcessContext context)
    {
        var n = context.FrameCount;
        var real = context.InputEnd < 0 ? n : (int)Math.Clamp(context.InputEnd - context.Position, 0, n);
        var left = context.Input(0);
        var right = context.InputChannelCount > 1 ? context.Input(1) : [];
        var done = 0;
        // Cut the block at every 2 s boundary of real input and publish the running form exactly there, so what is
        // published does not depend on the block size.
        while (done < n)
        {
            var untilBoundary = _nextPublish - (context.Position + done);
            var take = done < real ? (int)Math.Min(real - done, untilBoundary) : n - done;
            var realHere = Math.Max(0, Math.Min(take, real - done));
            _analyzer!.Process(left.Slice(done, take), right.IsEmpty ? right : right.Slice(done, take), realHere);
            done += take;
            if (realHere > 0 && context.Position + done == _nextPublish)
            {
                var vector = _analyzer.Compute();
                for (var i = 0; i < 25; i++)
                {
                    _frame[i] = (float)vector[i];
                }
                context.Results.WriteFrame(_nextPublish, _frame);
                _nextPublish += _publishEvery;
            }
        }
        return ProcessStatus.Normal;
    }

    /// <inheritdoc />
    public void Summarize(ISummarySink sink)
    {
        var analyzer = _analyzer!;
        var envelope = analyzer.OnsetEnvelope();
        var tempo = TempoEstimator.Estimate(envelope, analyzer.FramesPerSecond, new double[TempoEstimator.ScratchLength(analyzer.FramesPerSecond)]);
        var vector = analyzer.Compute(tempo).ToArray().Select(v => Math.Round(v, 6)).ToArray();
        sink.Write("vector", vector);
        sink.Write("dimensions", vector);
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
