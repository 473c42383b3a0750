using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Auralis.Dsp;

/// <summary>
/// The FFT of real signals of one power-of-two size: forward (N real samples → N/2+1 complex bins, split into real and
/// imaginary arrays) and inverse (bins → samples, scaled so that <c>Inverse(Forward(x)) == x</c>). No scaling on the
/// forward transform, the convention of numpy, librosa and FFTW: bin 0 of a constant signal c is N·c.
/// </summary>
/// <remarks>
/// <para>An N/2-point complex radix-2 FFT in split format whose butterflies run on <see cref="Vector{T}"/>, plus the
/// usual real-input packing (even samples as real parts, odd as imaginary) and its unpacking pass. The choice against
/// MathNet.Numerics and FFTW is recorded in docs/benchmarks.md.</para>
/// <para>Thread: one at a time per instance (it owns scratch buffers). Every method after construction is
/// allocation-free, so an instance made in <c>Initialize</c> may be used in <c>Process</c>.</para>
/// </remarks>
public sealed class RealFft
{
    private readonly int _half;          // M = N/2: size of the complex FFT
    private readonly int[] _bitReverse;  // M entries
    private readonly float[] _twiddleRe; // stage with span 2h uses entries [h, 2h): exp(-2πik/2h), k < h
    private readonly float[] _twiddleIm;
    private readonly float[] _unpackCos; // cos(2πk/N), k ≤ M/2
    private readonly float[] _unpackSin; // sin(2πk/N)
    private readonly float[] _workRe;
    private readonly float[] _workIm;

    /// <summary>Creates the transform for <paramref name="size"/> real samples (a power of two, 4 or more).</summary>
    public RealFft(int size)
    {
        if (size < 4 || !BitOperations.IsPow2(size))
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "FFT size must be a power of two, 4 or more");
        }
        Size = size;
        _half = size / 2;
        var m = _half;
        var bits = BitOperations.Log2((uint)m);
        _bitReverse = new int[m];
        for (var i = 0; i < m; i++)
        {
            _bitReverse[i] = bits == 0 ? 0 : (int)(ReverseBits((uint)i) >> (32 - bits));
        }
        _twiddleRe = new float[Math.Max(m, 2)];
        _twiddleIm = new float[Math.Max(m, 2)];
        for (var h = 1; h < m; h *= 2)
        {
            for (var k = 0; k < h; k++)
            {
                var angle = -Math.PI * k / h;
                _twiddleRe[h + k] = (float)Math.Cos(angle);
                _twiddleIm[h + k] = (float)Math.Sin(angle);
            }
        }
        _unpackCos = new float[m / 2 + 1];
        _unpackSin = new float[m / 2 + 1];
        for (var k = 0; k <= m / 2; k++)
        {
            var angle = 2 * Math.PI * k / size;
            _unpackCos[k] = (float)Math.Cos(angle);
            _unpackSin[k] = (float)Math.Sin(angle);
        }
        _workRe = new float[m];
        _workIm = new float[m];
    }

    /// <summary>Samples per transform (N).</summary>
    public int Size { get; }

    /// <summary>Complex bins a forward transform produces: N/2 + 1 (DC to Nyquist).</summary>
    public int BinCount => _half + 1;

    /// <summary>
    /// Forward transform of <paramref name="input"/> (exactly <see cref="Size"/> samples) into bins 0..N/2:
    /// X[k] = Σ x[n]·e^(−2πikn/N), with real parts in <paramref name="re"/> and imaginary parts in <paramref name="im"/>
    /// (each at least <see cref="BinCount"/> long; im[0] and im[N/2] are 0).
    /// </summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> re, Span<float> im)
    {
        var m = _half;
        if (input.Length != Size || re.Length < m + 1 || im.Length < m + 1)
        {
            ThrowSizes();
        }
        var rev = _bitReverse;
        for (var n = 0; n < m; n++)
        {
            var j = rev[n];
            re[j] = input[2 * n];
            im[j] = input[2 * n + 1];
        }
        ComplexInPlace(re[..m], im[..m]);

        // Unpack the N/2-point complex spectrum Z of z[n] = x[2n] + i·x[2n+1] into the N-point real spectrum:
        // X[k] = E[k] + W^k·O[k] with E = (Z[k] + conj Z[M−k])/2, O = (Z[k] − conj Z[M−k])/2i, W = e^(−2πi/N);
        // bins k and M−k come from the same pair, so the pass works in place.
        var z0r = re[0];
        var z0i = im[0];
        re[0] = z0r + z0i;
        im[0] = 0;
        re[m] = z0r - z0i;
        im[m] = 0;
        for (var k = UnpackWide(re, im); k <= m / 2; k++)
        {
            var ar = re[k];
            var ai = im[k];
            var br = re[m - k];
            var bi = im[m - k];
            var er = 0.5f * (ar + br);
            var ei = 0.5f * (ai - bi);
            var or = 0.5f * (ai + bi);
            var oi = -0.5f * (ar - br);
            var c = _unpackCos[k];
            var s = _unpackSin[k];
            var wr = c * or + s * oi;  // W^k·O with W^k = c − i·s
            var wi = c * oi - s * or;
            re[k] = er + wr;
            im[k] = ei + wi;
            re[m - k] = er - wr;       // X[M−k] = conj E − conj(W^k)… folded: see the derivation above
            im[m - k] = wi - ei;
        }
    }

    // The unpacking pass for k = 1… 16 at a time: bins k…k+15 with their mirrors M−k−15…M−k (one reversed vector),
    // while the two blocks lie on either side of M/2; the same operations per bin as the scalar loop, so the same
    // values. Returns the first k not done.
    private int UnpackWide(Span<float> re, Span<float> im)
    {
        var k = 1;
        if (!Vector512.IsHardwareAccelerated)
        {
            return k;
        }
        var m = _half;
        var reverse = Vector512.Create(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
        var half = Vector512.Create(0.5f);
        var minusHalf = Vector512.Create(-0.5f);
        ref var r = ref MemoryMarshal.GetReference(re);
        ref var i = ref MemoryMarshal.GetReference(im);
        ref var cosines = ref MemoryMarshal.GetArrayDataReference(_unpackCos);
        ref var sines = ref MemoryMarshal.GetArrayDataReference(_unpackSin);
        for (; k + 15 < m / 2; k += 16)
        {
            var at = (nuint)k;
            var mirror = (nuint)(m - k - 15);
            var ar = Vector512.LoadUnsafe(ref r, at);
            var ai = Vector512.LoadUnsafe(ref i, at);
            var br = Vector512.Shuffle(Vector512.LoadUnsafe(ref r, mirror), reverse);
            var bi = Vector512.Shuffle(Vector512.LoadUnsafe(ref i, mirror), reverse);
            var er = half * (ar + br);
            var ei = half * (ai - bi);
            var or = half * (ai + bi);
            var oi = minusHalf * (ar - br);
            var c = Vector512.LoadUnsafe(ref cosines, at);
            var sn = Vector512.LoadUnsafe(ref sines, at);
            var wr = c * or + sn * oi;
            var wi = c * oi - sn * or;
            (er + wr).StoreUnsafe(ref r, at);
            (ei + wi).StoreUnsafe(ref i, at);
            Vector512.Shuffle(er - wr, reverse).StoreUnsafe(ref r, mirror);
            Vector512.Shuffle(wi - ei, reverse).StoreUnsafe(ref i, mirror);
        }
        return k;
    }

    /// <summary>
    /// Inverse transform of bins 0..N/2 (<paramref name="re"/>, <paramref name="im"/>; the imaginary parts of bins 0
    /// and N/2 are ignored, as for any real signal) into <see cref="Size"/> samples, scaled by 1/N so that
    /// <c>Inverse(Forward(x))</c> returns x.
    /// </summary>
    public void Inverse(ReadOnlySpan<float> re, ReadOnlySpan<float> im, Span<float> output)
    {
        var m = _half;
        if (output.Length != Size || re.Length < m + 1 || im.Length < m + 1)
        {
            ThrowSizes();
        }
        // Rebuild Z[k] = E[k] + i·O[k] (the forward unpacking run backwards), scattered in bit-reversed order with real
        // and imaginary parts swapped: a forward FFT of swap(Z) is swap(M·IFFT(Z)).
        var rev = _bitReverse;
        var zr = _workRe;
        var zi = _workIm;
        {
            var x0 = re[0];
            var xm = re[m];
            // k = 0: E = (X0 + XM)/2, O = (X0 − XM)/2
            zi[rev[0]] = 0.5f * (x0 + xm);
            zr[rev[0]] = 0.5f * (x0 - xm);
        }
        for (var k = 1; k <= m / 2; k++)
        {
            var ar = re[k];
            var ai = im[k];
            var br = re[m - k];
            var bi = -im[m - k]; // conj X[M−k]
            var er = 0.5f * (ar + br);
            var ei = 0.5f * (ai + bi);
            var dr = 0.5f * (ar - br);
            var di = 0.5f * (ai - bi);
            var c = _unpackCos[k];
            var s = _unpackSin[k];
            var or = c * dr - s * di;  // O = conj(W^k)·D with conj(W^k) = c + i·s
            var oi = c * di + s * dr;
            // Z[k] = E + i·O ; Z[M−k] = conj(E) + i·conj(O)
            var j = rev[k];
            zi[j] = er - oi;
            zr[j] = ei + or;
            if (k != m - k)
            {
                var jm = rev[m - k];
                zi[jm] = er + oi;
                zr[jm] = or - ei;
            }
        }
        ComplexInPlace(zr, zi);
        var scale = 1f / m;
        for (var n = 0; n < m; n++)
        {
            output[2 * n] = zi[n] * scale;
            output[2 * n + 1] = zr[n] * scale;
        }
    }

    /// <summary>In-place radix-2 decimation-in-time FFT of bit-reversed split-format data.</summary>
    private void ComplexInPlace(Span<float> re, Span<float> im)
    {
        var m = re.Length;
        if (m >= 4)
        {
            // Spans 2 and 4 together (twiddles 1 and −i): one radix-4 pass.
            for (var s = 0; s < m; s += 4)
            {
                float r0 = re[s], r1 = re[s + 1], r2 = re[s + 2], r3 = re[s + 3];
                float i0 = im[s], i1 = im[s + 1], i2 = im[s + 2], i3 = im[s + 3];
                float ar = r0 + r1, ai = i0 + i1, br = r0 - r1, bi = i0 - i1;
                float cr = r2 + r3, ci = i2 + i3, dr = r2 - r3, di = i2 - i3;
                re[s] = ar + cr;
                im[s] = ai + ci;
                re[s + 2] = ar - cr;
                im[s + 2] = ai - ci;
                // −i·d = (di, −dr)
                re[s + 1] = br + di;
                im[s + 1] = bi - dr;
                re[s + 3] = br - di;
                im[s + 3] = bi + dr;
            }
        }
        else if (m == 2)
        {
            float r0 = re[0], i0 = im[0];
            re[0] = r0 + re[1];
            im[0] = i0 + im[1];
            re[1] = r0 - re[1];
            im[1] = i0 - im[1];
            return;
        }
        else
        {
            return;
        }

        var width = Vector<float>.Count;
        ref var r = ref re[0];
        ref var i = ref im[0];
        ref var tr = ref _twiddleRe[0];
        ref var ti = ref _twiddleIm[0];
        for (var h = 4; h < m; h *= 2)
        {
            var span = 2 * h;
            if (h >= width)
            {
                for (var s = 0; s < m; s += span)
                {
                    for (var k = 0; k < h; k += width)
                    {
                        var a = (nuint)(s + k);
                        var b = a + (nuint)h;
                        var wr = Vector.LoadUnsafe(ref tr, (nuint)(h + k));
                        var wi = Vector.LoadUnsafe(ref ti, (nuint)(h + k));
                        var xr = Vector.LoadUnsafe(ref r, b);
                        var xi = Vector.LoadUnsafe(ref i, b);
                        var pr = xr * wr - xi * wi;
                        var pi = xr * wi + xi * wr;
                        var ur = Vector.LoadUnsafe(ref r, a);
                        var ui = Vector.LoadUnsafe(ref i, a);
                        (ur + pr).StoreUnsafe(ref r, a);
                        (ui + pi).StoreUnsafe(ref i, a);
                        (ur - pr).StoreUnsafe(ref r, b);
                        (ui - pi).StoreUnsafe(ref i, b);
                    }
                }
            }
            else
            {
                for (var s = 0; s < m; s += span)
                {
                    for (var k = 0; k < h; k++)
                    {
                        var a = s + k;
                        var b = a + h;
                        var wr = Unsafe.Add(ref tr, h + k);
                        var wi = Unsafe.Add(ref ti, h + k);
                        var xr = Unsafe.Add(ref r, b);
                        var xi = Unsafe.Add(ref i, b);
                        var pr = xr * wr - xi * wi;
                        var pi = xr * wi + xi * wr;
                        var ur = Unsafe.Add(ref r, a);
                        var ui = Unsafe.Add(ref i, a);
                        Unsafe.Add(ref r, a) = ur + pr;
                        Unsafe.Add(ref i, a) = ui + pi;
                        Unsafe.Add(ref r, b) = ur - pr;
                        Unsafe.Add(ref i, b) = ui - pi;
                    }
                }
            }
        }
    }

    private static uint ReverseBits(uint v)
    {
        v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
        v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
        v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
        v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
        return (v >> 16) | (v << 16);
    }

    private void ThrowSizes() => throw new ArgumentException(
        $"RealFft({Size}) needs {Size} samples and {BinCount}-element real and imaginary spans");
}
