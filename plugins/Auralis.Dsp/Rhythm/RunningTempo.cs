namespace Auralis.Dsp.Rhythm;

/// <summary>
/// The tempo of the last seconds of an onset envelope, kept current while the envelope streams in, with bounded work
/// per envelope frame. <see cref="TempoEstimator.Estimate"/> over a 12 s window is about half a million products: a few
/// milliseconds, longer than a 64-frame audio period, so done at once inside <c>Process</c> it made xruns (measured with
/// <c>auralis run</c>: callbacks of 2.5 ms for tempo, 4 ms for the fingerprint). Here each refresh snapshots the window
/// and computes its autocorrelation a slice of lags per frame, finishing within one refresh period; the result is then
/// exactly what <see cref="TempoEstimator.Estimate"/> gives for that snapshot. Allocation-free after construction.
/// </summary>
public sealed class RunningTempo
{
    private readonly double _framesPerSecond;
    private readonly float[] _recent;    // ring of the last window's frames
    private readonly float[] _snapshot;  // the window being estimated, oldest first
    private readonly double[] _acf;
    private readonly int _refreshEvery;
    private readonly int _minimumFrames;
    private long _count;
    private int _length, _maxLag, _nextLag, _lagsPerFrame;
    private double _mean;
    private bool _estimating;

    /// <summary>Creates the estimator for an envelope at <paramref name="framesPerSecond"/>.</summary>
    /// <param name="framesPerSecond">Envelope frames per second.</param>
    /// <param name="windowSeconds">How much of the envelope's end each estimate looks at.</param>
    /// <param name="minimumSeconds">No estimate before this much envelope.</param>
    /// <param name="refreshSeconds">A new estimate starts this often (and is ready this much later).</param>
    public RunningTempo(double framesPerSecond, double windowSeconds = 12, double minimumSeconds = 4, double refreshSeconds = 1)
    {
        _framesPerSecond = framesPerSecond;
        _recent = new float[Math.Max(1, (int)(windowSeconds * framesPerSecond))];
        _snapshot = new float[_recent.Length];
        _acf = new double[TempoEstimator.ScratchLength(framesPerSecond)];
        _refreshEvery = Math.Max(1, (int)Math.Round(refreshSeconds * framesPerSecond));
        _minimumFrames = (int)Math.Ceiling(minimumSeconds * framesPerSecond);
    }

    /// <summary>The latest finished estimate (default until the first one is ready).</summary>
    public TempoEstimate Current { get; private set; }

    /// <summary>Adds the next envelope frame and advances the estimate in progress by one slice.</summary>
    public void Push(float value)
    {
        _recent[_count % _recent.Length] = value;
        _count++;
        if (!_estimating && _count % _refreshEvery == 0 && _count >= _minimumFrames)
        {
            Start();
        }
        if (_estimating)
        {
            var to = Math.Min(_maxLag, _nextLag + _lagsPerFrame - 1);
            TempoEstimator.Autocorrelate(_snapshot.AsSpan(0, _length), _mean, _acf, _nextLag, to);
            _nextLag = to + 1;
            if (_nextLag > _maxLag)
            {
                Current = TempoEstimator.FromAutocorrelation(_acf, _maxLag, _framesPerSecond);
                _estimating = false;
            }
        }
    }

    /// <summary>Forgets the envelope and the estimate.</summary>
    public void Reset()
    {
        _count = 0;
        _estimating = false;
        Current = default;
    }

    private void Start()
    {
        _length = (int)Math.Min(_count, _recent.Length);
        for (var i = 0; i < _length; i++)
        {
            _snapshot[i] = _recent[(_count - _length + i) % _recent.Length];
        }
        _maxLag = TempoEstimator.MaxLag(_length, _framesPerSecond);
        if (_maxLag < 0)
        {
            Current = default;
            return;
        }
        _mean = TempoEstimator.Mean(_snapshot.AsSpan(0, _length));
        _nextLag = 0;
        // ⌈(maxLag + 1) / refreshEvery⌉ lags per frame finishes before the next refresh; rounded up to whole passes of
        // the widest autocorrelation kernel (32 lags at 44.1 kHz: ready after 22 of the 86 frames of a refresh).
        var passLags = TempoEstimator.LagsAtOnce * TempoEstimator.MaxGroups;
        _lagsPerFrame = ((_maxLag + _refreshEvery) / _refreshEvery + passLags - 1) / passLags * passLags;
        _estimating = true;
    }
}
