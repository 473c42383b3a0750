using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Auralis.Dsp.Separation;

/// <summary>What a <see cref="HarmonicPercussive"/> produces.</summary>
[Flags]
public enum SeparationOutputs
{
    /// <summary>The harmonic and percussive signals (the inverse STFT of each masked frame).</summary>
    Audio = 1,

    /// <summary><see cref="HarmonicPercussive.HarmonicEnergy"/> and <see cref="HarmonicPercussive.PercussiveEnergy"/>.</summary>
    Energy = 2,
}

/// <summary>
/// Streaming harmonic/percussive separation of one channel by median filtering (Fitzgerald 2010) with librosa's
/// <c>decompose.hpss</c> defaults: STFT of 2048 samples, hop 512, periodic Hann, zero padded at the start; the
/// harmonic enhancement is the median of each bin over 31 frames (time), the percussive one the median of each frame
/// over 31 bins (frequency, mirrored edges as scipy's <c>reflect</c>); soft masks
/// M_h = H^p / (H^p + (m·P)^p), M_p = P^p / (P^p + (m·H)^p) with power p = 2 and margin m = 1 by default; where both
/// enhancements are zero the masks split the bin evenly, so with m = 1 the two outputs add back to the input.
/// </summary>
/// <remarks>
/// The time median is centred, so a frame's masks are known 15 frames after the frame itself: the output lags the
/// input by exactly <see cref="Latency"/> = 15·512 + 2047 samples, whatever the block size. Differences from librosa:
/// the time median treats frames before the start and after the end as silence (librosa mirrors the spectrogram), which
/// changes the first and last ~170 ms only. Allocation-free after construction.
/// </remarks>
public sealed class HarmonicPercussive
{
    /// <summary>STFT size.</summary>
    public const int FftSize = 2048;

    /// <summary>STFT hop.</summary>
    public const int Hop = 512;

    /// <summary>Median kernel over time (frames) for the harmonic part.</summary>
    public const int HarmonicKernel = 31;

    /// <summary>Median kernel over frequency (bins) for the percussive part.</summary>
    public const int PercussiveKernel = 31;

    /// <summary>Samples by which both outputs lag the input.</summary>
    public const int Latency = (HarmonicKernel / 2) * Hop + FftSize - 1;

    /// <summary>Samples after the input during which the outputs may still ring (a frame's extent).</summary>
    public const int Tail = FftSize;

    private const int Bins = FftSize / 2 + 1;
    private const int Delay = HarmonicKernel / 2;   // frames between analysis and masking
    private const int Ring = Delay + 1;

    // Frames start N − hop before the stream, so every output sample from 0 on gets its full overlap-add.
    private readonly FrameAssembler _framer = new(FftSize, Hop, FftSize - Hop);
    private readonly float[] _window = Windows.Hann(FftSize);
    private readonly float _synthesisScale;
    private readonly RealFft _fft = new(FftSize);
    private readonly SlidingMedian _timeMedian = new(Bins, HarmonicKernel);
    private readonly float[] _magnitude = new float[Bins];
    private readonly float[] _harmonic = new float[Bins];
    private readonly float[] _percussive = new float[Bins];
    private readonly float[] _medianScratch = new float[MedianFilter.ScratchLength(PercussiveKernel, Bins)];
    private readonly float[] _maskRe = new float[Bins], _maskIm = new float[Bins];
    private readonly float[] _harmonicMask = new float[Bins], _percussiveMask = new float[Bins];
    private readonly bool _audio, _energy;
    private readonly float[] _frameH = new float[FftSize], _frameP = new float[FftSize];
    private readonly float[] _completedH = new float[Hop], _completedP = new float[Hop];
    private readonly OverlapAdd _olaH = new(FftSize, Hop), _olaP = new(FftSize, Hop);
    // The last 16 frames: windowed samples and spectra, so frame t−15 can be masked when frame t arrives.
    private readonly float[][] _windowed = new float[Ring][], _re = new float[Ring][], _im = new float[Ring][];
    private readonly float[][] _percussiveHistory = new float[Ring][];
    private readonly Fifo _outH, _outP;
    private readonly float[] _clean;

    /// <summary>Creates a separator for blocks of up to <paramref name="maxBlock"/> samples.</summary>
    /// <param name="maxBlock">Largest block <see cref="Process"/> or <see cref="Analyse"/> is given.</param>
    /// <param name="outputs">What to produce. Without <see cref="SeparationOutputs.Audio"/> the masked frames are not
    /// transformed back (the energies need only the masked spectra, by Parseval), and only <see cref="Analyse"/> may be
    /// called; without <see cref="SeparationOutputs.Energy"/> the energies stay 0.</param>
    public HarmonicPercussive(int maxBlock, SeparationOutputs outputs = SeparationOutputs.Audio | SeparationOutputs.Energy)
    {
        _audio = outputs.HasFlag(SeparationOutputs.Audio);
        _energy = outputs.HasFlag(SeparationOutputs.Energy);
        for (var i = 0; i < Ring; i++)
        {
            _windowed[i] = new float[FftSize];
            _re[i] = new float[Bins];
            _im[i] = new float[Bins];
            _percussiveHistory[i] = new float[Bins];
        }
        _synthesisScale = 1f / Windows.SquaredOverlapSum(_window, Hop);
        _clean = new float[maxBlock];
        _outH = new Fifo(Latency + maxBlock + 2 * Hop);
        _outP = new Fifo(Latency + maxBlock + 2 * Hop);
        Reset();
    }

    /// <summary>Mask power p (1 or more; 2 by default).</summary>
    public float Power { get; set; } = 2f;

    /// <summary>Mask margin m (1 or more; 1 by default, the only value at which the outputs add up to the input).</summary>
    public float Margin { get; set; } = 1f;

    /// <summary>Σ over processed frames and bins of |M_h·X|² (spectral energy sent to the harmonic output).</summary>
    public double HarmonicEnergy { get; private set; }

    /// <summary>Σ over processed frames and bins of |M_p·X|².</summary>
    public double PercussiveEnergy { get; private set; }

    /// <summary>
    /// Consumes <paramref name="input"/> and writes as many samples to each output, delayed by <see cref="Latency"/>.
    /// Non-finite input samples are treated as silence.
    /// </summary>
    public void Process(ReadOnlySpan<float> input, Span<float> harmonic, Span<float> percussive)
    {
        if (!_audio)
        {
            throw new InvalidOperationException("this separator was made without audio outputs; use Analyse");
        }
        Analyse(input);
        _outH.Read(harmonic[..input.Length]);
        _outP.Read(percussive[..input.Length]);
    }

    /// <summary>
    /// Consumes <paramref name="input"/> (as <see cref="Process"/> does) and queues its output, if any, for the
    /// next <see cref="Process"/>; on its own, for a separator made for its energies only.
    /// </summary>
    public void Analyse(ReadOnlySpan<float> input)
    {
        if (input.Length > _clean.Length)
        {
            throw new ArgumentException($"blocks are at most {_clean.Length} samples", nameof(input));
        }
        var clean = _clean.AsSpan(0, input.Length);
        FiniteSamples.Copy(input, clean);
        ReadOnlySpan<float> rest = clean;
        while (!rest.IsEmpty)
        {
            rest = rest[_framer.Write(rest)..];
            if (_framer.FrameReady)
            {
                AnalyseAndEmit();
                _framer.Advance();
            }
        }
    }

    /// <summary>Forgets all history, as at the start of a stream.</summary>
    public void Reset()
    {
        _framer.Reset();
        _timeMedian.Reset();
        _olaH.Reset();
        _olaP.Reset();
        foreach (var a in _windowed.Concat(_re).Concat(_im).Concat(_percussiveHistory))
        {
            Array.Clear(a);
        }
        FrameIndex = 0;
        HarmonicEnergy = PercussiveEnergy = 0;
        // Output sample n is y[n − Latency]; y starts at −(N − hop), where the first frame starts, so the first
        // Latency − (N − hop) outputs come from before any frame: zeros.
        _outH.Clear();
        _outP.Clear();
        if (!_audio)
        {
            return;
        }
        _outH.WriteZeros(Latency - (FftSize - Hop));
        _outP.WriteZeros(Latency - (FftSize - Hop));
    }

    private long FrameIndex { get; set; }

    private void AnalyseAndEmit()
    {
        var slot = (int)(FrameIndex % Ring);
        var windowed = _windowed[slot];
        SpanMath.Multiply(_framer.Frame, _window, windowed);
        var re = _re[slot];
        var im = _im[slot];
        _fft.Forward(windowed, re, im);
        SpanMath.Multiply(re, re, _magnitude);
        SpanMath.MultiplyAdd(im, im, _magnitude, _magnitude);
        SpanMath.Sqrt(_magnitude, _magnitude);

        // Percussive enhancement of this frame (across bins), kept until the frame is masked.
        MedianFilter.Apply(_magnitude, PercussiveKernel, _percussiveHistory[slot], _medianScratch);
        // Harmonic enhancement centred on frame t − 15 (over frames t − 30 … t).
        _timeMedian.Push(_magnitude, _harmonic);

        var target = FrameIndex - Delay;
        FrameIndex++;
        if (target < 0)
        {
            return; // its frame would lie before the stream: y there is the silence already queued
        }
        var old = (int)(target % Ring);
        Mask(_re[old], _im[old], _percussiveHistory[old]);
        if (!_audio)
        {
            return;
        }
        // Harmonic frame: IFFT of M_h·X. Percussive frame: with m = 1, M_p = 1 − M_h, so it is the windowed input minus
        // the harmonic frame (exact sum, one transform saved); otherwise its own transform.
        _fft.Inverse(_maskRe, _maskIm, _frameH);
        if (Margin == 1f)
        {
            SpanMath.Subtract(_windowed[old], _frameH, _frameP);
        }
        else
        {
            PercussiveSpectrum(_re[old], _im[old], _percussiveHistory[old]);
            _fft.Inverse(_maskRe, _maskIm, _frameP);
        }
        SpanMath.Multiply(_frameH, _window, _frameH);
        SpanMath.Multiply(_frameH, _synthesisScale, _frameH);
        SpanMath.Multiply(_frameP, _window, _frameP);
        SpanMath.Multiply(_frameP, _synthesisScale, _frameP);
        _olaH.Add(_frameH, _completedH);
        _olaP.Add(_frameP, _completedP);
        _outH.Write(_completedH);
        _outP.Write(_completedP);
    }

    // M_h·X into _maskRe/_maskIm, using the harmonic medians of the target frame (in _harmonic) and its percussive ones;
    // both masks kept for the energies.
    private void Mask(float[] re, float[] im, float[] percussive)
    {
        var p = Power;
        var m = Margin;
        var k = p == 2f ? MaskSquared(re, im, percussive, m) : 0;
        for (; k < Bins; k++)
        {
            var h = _harmonic[k];
            var q = percussive[k];
            float mh, mp;
            if (h <= 0 && q <= 0)
            {
                mh = mp = 0.5f; // nothing on either side: split evenly so the outputs still add up
            }
            else if (p == 2f)
            {
                float h2 = h * h, q2 = q * q;
                mh = h2 / (h2 + m * m * q2);
                mp = q2 / (q2 + m * m * h2);
            }
            else
            {
                float hp = MathF.Pow(h, p), qp = MathF.Pow(q, p), mp_ = MathF.Pow(m, p);
                mh = hp / (hp + mp_ * qp);
                mp = qp / (qp + mp_ * hp);
            }
            if (!float.IsFinite(mh))
            {
                mh = h >= q ? 1 : 0;
            }
            if (!float.IsFinite(mp))
            {
                mp = q >= h ? 1 : 0;
            }
            _maskRe[k] = re[k] * mh;
            _maskIm[k] = im[k] * mh;
            _harmonicMask[k] = mh;
            _percussiveMask[k] = mp;
        }
        if (!_energy)
        {
            return;
        }
        // In double, |M·X|² = (M·M, in float as the masks are) · (re² + im²). A frame's sum is formed lane by lane over
        // the bins and then across lanes, so it depends only on the frame, never on how the stream was cut.
        var (eh, ep) = MaskedEnergies(re, im);
        HarmonicEnergy += eh;
        PercussiveEnergy += ep;
    }

    // Σ_k M_h[k]²·|X[k]|² and Σ_k M_p[k]²·|X[k]|² for this frame.
    private (double Harmonic, double Percussive) MaskedEnergies(float[] re, float[] im)
    {
        var k = 0;
        double eh = 0, ep = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<double> sumH = Vector<double>.Zero, sumP = Vector<double>.Zero;
            for (; k + Vector<float>.Count <= Bins; k += Vector<float>.Count)
            {
                var mh = new Vector<float>(_harmonicMask, k);
                var mp = new Vector<float>(_percussiveMask, k);
                Vector.Widen(new Vector<float>(re, k), out var reLow, out var reHigh);
                Vector.Widen(new Vector<float>(im, k), out var imLow, out var imHigh);
                Vector.Widen(mh * mh, out var hLow, out var hHigh);
                Vector.Widen(mp * mp, out var pLow, out var pHigh);
                var powerLow = reLow * reLow + imLow * imLow;
                var powerHigh = reHigh * reHigh + imHigh * imHigh;
                sumH += hLow * powerLow + hHigh * powerHigh;
                sumP += pLow * powerLow + pHigh * powerHigh;
            }
            eh = Vector.Sum(sumH);
            ep = Vector.Sum(sumP);
        }
        for (; k < Bins; k++)
        {
            var power = re[k] * (double)re[k] + im[k] * (double)im[k];
            var mh = _harmonicMask[k];
            var mp = _percussiveMask[k];
            eh += mh * mh * power;
            ep += mp * mp * power;
        }
        return (eh, ep);
    }

    // The scalar loop's power-2 branch, 16 bins at a time with the same operations in the same order (so the same
    // values); returns how many bins it did (the rest are left to the scalar loop).
    private int MaskSquared(float[] re, float[] im, float[] percussive, float margin)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            return 0;
        }
        var width = Vector512<float>.Count;
        var squaredMargin = Vector512.Create(margin * margin);
        var half = Vector512.Create(0.5f);
        var one = Vector512.Create(1f);
        var zero = Vector512<float>.Zero;
        ref var hr = ref MemoryMarshal.GetArrayDataReference(_harmonic);
        ref var qr = ref MemoryMarshal.GetArrayDataReference(percussive);
        ref var rr = ref MemoryMarshal.GetArrayDataReference(re);
        ref var ir = ref MemoryMarshal.GetArrayDataReference(im);
        var k = 0;
        for (; k + width <= Bins; k += width)
        {
            var at = (nuint)k;
            var h = Vector512.LoadUnsafe(ref hr, at);
            var q = Vector512.LoadUnsafe(ref qr, at);
            var h2 = h * h;
            var q2 = q * q;
            var mh = h2 / (h2 + squaredMargin * q2);
            var mp = q2 / (q2 + squaredMargin * h2);
            var none = Vector512.LessThanOrEqual(h, zero) & Vector512.LessThanOrEqual(q, zero);
            mh = Vector512.ConditionalSelect(none, half, mh);
            mp = Vector512.ConditionalSelect(none, half, mp);
            mh = Vector512.ConditionalSelect(NotFinite(mh), Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(h, q), one, zero), mh);
            mp = Vector512.ConditionalSelect(NotFinite(mp), Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(q, h), one, zero), mp);
            (Vector512.LoadUnsafe(ref rr, at) * mh).StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(_maskRe), at);
            (Vector512.LoadUnsafe(ref ir, at) * mh).StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(_maskIm), at);
            mh.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(_harmonicMask), at);
            mp.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(_percussiveMask), at);
        }
        return k;
    }

    // All-ones lanes where x is ±∞ or NaN (x − x is then NaN, never 0).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> NotFinite(Vector512<float> x) => ~Vector512.Equals(x - x, Vector512<float>.Zero);

    private void PercussiveSpectrum(float[] re, float[] im, float[] percussive)
    {
        var p = Power;
        var mp_ = MathF.Pow(Margin, p);
        for (var k = 0; k < Bins; k++)
        {
            var h = _harmonic[k];
            var q = percussive[k];
            var mp = h <= 0 && q <= 0 ? 0.5f : MathF.Pow(q, p) / (MathF.Pow(q, p) + mp_ * MathF.Pow(h, p));
            if (!float.IsFinite(mp))
            {
                mp = q >= h ? 1 : 0;
            }
            _maskRe[k] = re[k] * mp;
            _maskIm[k] = im[k] * mp;
        }
    }

    /// <summary>A first-in first-out sample queue over a ring; sized so it never overflows.</summary>
    private sealed class Fifo(int capacity)
    {
        private readonly float[] _data = new float[capacity];
        private int _read, _count;

        public void Clear() => _read = _count = 0;

        public void WriteZeros(int n)
        {
            for (var i = 0; i < n; i++)
            {
                Push(0);
            }
        }

        public void Write(ReadOnlySpan<float> samples)
        {
            if (_count + samples.Length > _data.Length)
            {
                throw new InvalidOperationException("separator output overflow");
            }
            var start = (_read + _count) % _data.Length;
            var first = Math.Min(samples.Length, _data.Length - start);
            samples[..first].CopyTo(_data.AsSpan(start));
            samples[first..].CopyTo(_data);
            _count += samples.Length;
        }

        public void Read(Span<float> destination)
        {
            if (destination.Length > _count)
            {
                throw new InvalidOperationException($"separator output underrun: {destination.Length} wanted, {_count} ready");
            }
            var first = Math.Min(destination.Length, _data.Length - _read);
            _data.AsSpan(_read, first).CopyTo(destination);
            _data.AsSpan(0, destination.Length - first).CopyTo(destination[first..]);
            _read = (_read + destination.Length) % _data.Length;
            _count -= destination.Length;
        }

        private void Push(float s)
        {
            if (_count == _data.Length)
            {
                throw new InvalidOperationException("separator output overflow");
            }
            _data[(_read + _count) % _data.Length] = s;
            _count++;
        }
    }
}
