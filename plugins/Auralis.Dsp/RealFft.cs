using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Auralis.Dsp;

/// <summary>
/// The FFT of real signals of one power-of-two size: forward (N real samples → N/2+1 complex bins, split into real and
/// imaginary arrays) and inverse (bins → samples, scaled so that <c>Inverse(Forward(x)) == x</c>). No scaling on the
/// forward transform, the convention of numpy, librosa and FFTW: bin 0 of a constant signal c is N·c.
/// </summary>
/// <remarks>
/// <para>An N/2-point complex radix-2 FFT in split format, plus the usual real-input packing (even samples as real
/// parts, odd as imaginary) and its unpacking pass. The radix-2 butterflies run two stages per pass over the data on
/// 512-bit vectors (one stage at a time on <see cref="Vector{T}"/> without AVX-512), the first three stages inside registers, and the
/// bit-reversed reordering as 16×16 transposes in registers; every path computes the same butterflies with the same
/// operands, so results are bit for bit the same at every instruction-set level. The choice against MathNet.Numerics
/// and FFTW is recorded in docs/benchmarks.md.</para>
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
    private readonly float[] _naturalRe; // the inverse's rebuilt spectrum in natural order, before bit reversal
    private readonly float[] _naturalIm;
    private readonly Vector512<int>[] _transposeIndex; // per stage of BitReverseWide's transpose: low, high

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
        _naturalRe = new float[m];
        _naturalIm = new float[m];
        // Stage k of a 16×16 transpose swaps bit k of the row and the column index: of rows i (bit k clear) and
        // j = i + 2^k, the new row i takes columns with bit k clear from i and the others from j (shifted down), the
        // new row j the rest. As two-register permute indices (0–15 the first register, 16–31 the second):
        _transposeIndex = new Vector512<int>[8];
        Span<int> low = stackalloc int[16], high = stackalloc int[16];
        for (var stage = 0; stage < 4; stage++)
        {
            var bit = 1 << stage;
            for (var c = 0; c < 16; c++)
            {
                low[c] = (c & bit) == 0 ? c : 16 + c - bit;
                high[c] = (c & bit) == 0 ? c + bit : 16 + c;
            }
            _transposeIndex[2 * stage] = Vector512.Create<int>(low);
            _transposeIndex[2 * stage + 1] = Vector512.Create<int>(high);
        }
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
        ref var x = ref MemoryMarshal.GetReference(input);
        ref var re0 = ref MemoryMarshal.GetReference(re);
        ref var im0 = ref MemoryMarshal.GetReference(im);
        if (!BitReverseWide(ref x, 2, ref re0) || !BitReverseWide(ref Unsafe.Add(ref x, 1), 2, ref im0))
        {
            ref var rev = ref MemoryMarshal.GetArrayDataReference(_bitReverse);
            for (var n = 0; n < m; n++) // every index is below M (checked above): no bounds checks in this scatter
            {
                var j = Unsafe.Add(ref rev, n);
                Unsafe.Add(ref re0, j) = Unsafe.Add(ref x, 2 * n);
                Unsafe.Add(ref im0, j) = Unsafe.Add(ref x, 2 * n + 1);
            }
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
        // Rebuild Z[k] = E[k] + i·O[k] (the forward unpacking run backwards) in natural order with real and imaginary
        // parts swapped — a forward FFT of swap(Z) is swap(M·IFFT(Z)) — then put it in bit-reversed order.
        var naturalRe = _naturalRe;
        var naturalIm = _naturalIm;
        {
            var x0 = re[0];
            var xm = re[m];
            // k = 0: E = (X0 + XM)/2, O = (X0 − XM)/2
            naturalIm[0] = 0.5f * (x0 + xm);
            naturalRe[0] = 0.5f * (x0 - xm);
        }
        for (var k = RepackWide(re, im); k <= m / 2; k++)
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
            naturalIm[k] = er - oi;
            naturalRe[k] = ei + or;
            if (k != m - k)
            {
                naturalIm[m - k] = er + oi;
                naturalRe[m - k] = or - ei;
            }
        }
        var zr = _workRe;
        var zi = _workIm;
        ref var zr0 = ref MemoryMarshal.GetArrayDataReference(zr);
        ref var zi0 = ref MemoryMarshal.GetArrayDataReference(zi);
        if (!BitReverseWide(ref MemoryMarshal.GetArrayDataReference(naturalRe), 1, ref zr0)
            || !BitReverseWide(ref MemoryMarshal.GetArrayDataReference(naturalIm), 1, ref zi0))
        {
            var rev = _bitReverse;
            for (var k = 0; k < m; k++)
            {
                zr[rev[k]] = naturalRe[k];
                zi[rev[k]] = naturalIm[k];
            }
        }
        ComplexInPlace(zr, zi);
        var scale = 1f / m;
        var n = InterleaveWide(zi, zr, scale, output);
        for (; n < m; n++)
        {
            output[2 * n] = zi[n] * scale;
            output[2 * n + 1] = zr[n] * scale;
        }
    }

    // The inverse's rebuilding of Z for k = 1… 16 at a time (bins k…k+15 and their mirrors, one reversed vector, while
    // the two blocks lie on either side of M/2): the scalar loop's operations per bin, so the same values. Returns the
    // first k not done.
    private int RepackWide(ReadOnlySpan<float> re, ReadOnlySpan<float> im)
    {
        var k = 1;
        if (!Vector512.IsHardwareAccelerated)
        {
            return k;
        }
        var m = _half;
        var reverse = Vector512.Create(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
        var half = Vector512.Create(0.5f);
        ref var r = ref MemoryMarshal.GetReference(re);
        ref var i = ref MemoryMarshal.GetReference(im);
        ref var cosines = ref MemoryMarshal.GetArrayDataReference(_unpackCos);
        ref var sines = ref MemoryMarshal.GetArrayDataReference(_unpackSin);
        ref var zr = ref MemoryMarshal.GetArrayDataReference(_naturalRe);
        ref var zi = ref MemoryMarshal.GetArrayDataReference(_naturalIm);
        for (; k + 15 < m / 2; k += 16)
        {
            var at = (nuint)k;
            var mirror = (nuint)(m - k - 15);
            var ar = Vector512.LoadUnsafe(ref r, at);
            var ai = Vector512.LoadUnsafe(ref i, at);
            var br = Vector512.Shuffle(Vector512.LoadUnsafe(ref r, mirror), reverse);
            var bi = -Vector512.Shuffle(Vector512.LoadUnsafe(ref i, mirror), reverse);
            var er = half * (ar + br);
            var ei = half * (ai + bi);
            var dr = half * (ar - br);
            var di = half * (ai - bi);
            var c = Vector512.LoadUnsafe(ref cosines, at);
            var sn = Vector512.LoadUnsafe(ref sines, at);
            var or = c * dr - sn * di;
            var oi = c * di + sn * dr;
            (er - oi).StoreUnsafe(ref zi, at);
            (ei + or).StoreUnsafe(ref zr, at);
            Vector512.Shuffle(er + oi, reverse).StoreUnsafe(ref zi, mirror);
            Vector512.Shuffle(or - ei, reverse).StoreUnsafe(ref zr, mirror);
        }
        return k;
    }

    // destination[rev(n)] = source[stride·n] for every n < M, by 16×16 blocks in registers rather than one scattered
    // store per value. With n = (a, mid, c) — its top 4 bits, the middle bits, its low 4 bits — rev(n) is
    // (rev c, rev mid, rev a); so for each mid the 16 rows a (16 consecutive n each) are placed in slot rev a,
    // transposed, and each column c, now in order rev a, stored whole at rev(c·…) + rev(mid·16). Stride 2 reads the
    // real (or, from source + 1, imaginary) parts of interleaved input. False when not available (M < 256 or no
    // AVX-512): the caller scatters.
    private bool BitReverseWide(ref float source, int stride, ref float destination)
    {
        var m = _half;
        if (m < 256 || !Vector512.IsHardwareAccelerated || !Avx512F.IsSupported)
        {
            return false;
        }
        ref var rev = ref MemoryMarshal.GetArrayDataReference(_bitReverse);
        var rows = m / 16;
        var evens = Vector512<int>.Indices * 2;
        var low1 = _transposeIndex[0];
        var high1 = _transposeIndex[1];
        var low2 = _transposeIndex[2];
        var high2 = _transposeIndex[3];
        var low4 = _transposeIndex[4];
        var high4 = _transposeIndex[5];
        var low8 = _transposeIndex[6];
        var high8 = _transposeIndex[7];
        for (var mid = 0; mid < rows / 16; mid++)
        {
            var first = (nuint)(mid * 16);
            var step = (nuint)rows;
            // Row a in slot rev a (rev of 4 bits: 0 8 4 12 2 10 6 14 1 9 5 13 3 11 7 15).
            var r0 = Row(ref source, first + 0 * step, stride, evens);
            var r8 = Row(ref source, first + 1 * step, stride, evens);
            var r4 = Row(ref source, first + 2 * step, stride, evens);
            var r12 = Row(ref source, first + 3 * step, stride, evens);
            var r2 = Row(ref source, first + 4 * step, stride, evens);
            var r10 = Row(ref source, first + 5 * step, stride, evens);
            var r6 = Row(ref source, first + 6 * step, stride, evens);
            var r14 = Row(ref source, first + 7 * step, stride, evens);
            var r1 = Row(ref source, first + 8 * step, stride, evens);
            var r9 = Row(ref source, first + 9 * step, stride, evens);
            var r5 = Row(ref source, first + 10 * step, stride, evens);
            var r13 = Row(ref source, first + 11 * step, stride, evens);
            var r3 = Row(ref source, first + 12 * step, stride, evens);
            var r11 = Row(ref source, first + 13 * step, stride, evens);
            var r7 = Row(ref source, first + 14 * step, stride, evens);
            var r15 = Row(ref source, first + 15 * step, stride, evens);
            Vector512<float> t;
            t = Avx512F.PermuteVar16x32x2(r0, low1, r1);
            r1 = Avx512F.PermuteVar16x32x2(r0, high1, r1);
            r0 = t;
            t = Avx512F.PermuteVar16x32x2(r2, low1, r3);
            r3 = Avx512F.PermuteVar16x32x2(r2, high1, r3);
            r2 = t;
            t = Avx512F.PermuteVar16x32x2(r4, low1, r5);
            r5 = Avx512F.PermuteVar16x32x2(r4, high1, r5);
            r4 = t;
            t = Avx512F.PermuteVar16x32x2(r6, low1, r7);
            r7 = Avx512F.PermuteVar16x32x2(r6, high1, r7);
            r6 = t;
            t = Avx512F.PermuteVar16x32x2(r8, low1, r9);
            r9 = Avx512F.PermuteVar16x32x2(r8, high1, r9);
            r8 = t;
            t = Avx512F.PermuteVar16x32x2(r10, low1, r11);
            r11 = Avx512F.PermuteVar16x32x2(r10, high1, r11);
            r10 = t;
            t = Avx512F.PermuteVar16x32x2(r12, low1, r13);
            r13 = Avx512F.PermuteVar16x32x2(r12, high1, r13);
            r12 = t;
            t = Avx512F.PermuteVar16x32x2(r14, low1, r15);
            r15 = Avx512F.PermuteVar16x32x2(r14, high1, r15);
            r14 = t;
            t = Avx512F.PermuteVar16x32x2(r0, low2, r2);
            r2 = Avx512F.PermuteVar16x32x2(r0, high2, r2);
            r0 = t;
            t = Avx512F.PermuteVar16x32x2(r1, low2, r3);
            r3 = Avx512F.PermuteVar16x32x2(r1, high2, r3);
            r1 = t;
            t = Avx512F.PermuteVar16x32x2(r4, low2, r6);
            r6 = Avx512F.PermuteVar16x32x2(r4, high2, r6);
            r4 = t;
            t = Avx512F.PermuteVar16x32x2(r5, low2, r7);
            r7 = Avx512F.PermuteVar16x32x2(r5, high2, r7);
            r5 = t;
            t = Avx512F.PermuteVar16x32x2(r8, low2, r10);
            r10 = Avx512F.PermuteVar16x32x2(r8, high2, r10);
            r8 = t;
            t = Avx512F.PermuteVar16x32x2(r9, low2, r11);
            r11 = Avx512F.PermuteVar16x32x2(r9, high2, r11);
            r9 = t;
            t = Avx512F.PermuteVar16x32x2(r12, low2, r14);
            r14 = Avx512F.PermuteVar16x32x2(r12, high2, r14);
            r12 = t;
            t = Avx512F.PermuteVar16x32x2(r13, low2, r15);
            r15 = Avx512F.PermuteVar16x32x2(r13, high2, r15);
            r13 = t;
            t = Avx512F.PermuteVar16x32x2(r0, low4, r4);
            r4 = Avx512F.PermuteVar16x32x2(r0, high4, r4);
            r0 = t;
            t = Avx512F.PermuteVar16x32x2(r1, low4, r5);
            r5 = Avx512F.PermuteVar16x32x2(r1, high4, r5);
            r1 = t;
            t = Avx512F.PermuteVar16x32x2(r2, low4, r6);
            r6 = Avx512F.PermuteVar16x32x2(r2, high4, r6);
            r2 = t;
            t = Avx512F.PermuteVar16x32x2(r3, low4, r7);
            r7 = Avx512F.PermuteVar16x32x2(r3, high4, r7);
            r3 = t;
            t = Avx512F.PermuteVar16x32x2(r8, low4, r12);
            r12 = Avx512F.PermuteVar16x32x2(r8, high4, r12);
            r8 = t;
            t = Avx512F.PermuteVar16x32x2(r9, low4, r13);
            r13 = Avx512F.PermuteVar16x32x2(r9, high4, r13);
            r9 = t;
            t = Avx512F.PermuteVar16x32x2(r10, low4, r14);
            r14 = Avx512F.PermuteVar16x32x2(r10, high4, r14);
            r10 = t;
            t = Avx512F.PermuteVar16x32x2(r11, low4, r15);
            r15 = Avx512F.PermuteVar16x32x2(r11, high4, r15);
            r11 = t;
            t = Avx512F.PermuteVar16x32x2(r0, low8, r8);
            r8 = Avx512F.PermuteVar16x32x2(r0, high8, r8);
            r0 = t;
            t = Avx512F.PermuteVar16x32x2(r1, low8, r9);
            r9 = Avx512F.PermuteVar16x32x2(r1, high8, r9);
            r1 = t;
            t = Avx512F.PermuteVar16x32x2(r2, low8, r10);
            r10 = Avx512F.PermuteVar16x32x2(r2, high8, r10);
            r2 = t;
            t = Avx512F.PermuteVar16x32x2(r3, low8, r11);
            r11 = Avx512F.PermuteVar16x32x2(r3, high8, r11);
            r3 = t;
            t = Avx512F.PermuteVar16x32x2(r4, low8, r12);
            r12 = Avx512F.PermuteVar16x32x2(r4, high8, r12);
            r4 = t;
            t = Avx512F.PermuteVar16x32x2(r5, low8, r13);
            r13 = Avx512F.PermuteVar16x32x2(r5, high8, r13);
            r5 = t;
            t = Avx512F.PermuteVar16x32x2(r6, low8, r14);
            r14 = Avx512F.PermuteVar16x32x2(r6, high8, r14);
            r6 = t;
            t = Avx512F.PermuteVar16x32x2(r7, low8, r15);
            r15 = Avx512F.PermuteVar16x32x2(r7, high8, r15);
            r7 = t;
            var revMid = Unsafe.Add(ref rev, mid * 16);
            r0.StoreUnsafe(ref destination, (nuint)(Unsafe.Add(ref rev, 0) + revMid));
            r1.StoreUnsafe(ref destination, (nuint)(Unsafe.Add(ref rev, 1) + revMid));
            r2.StoreUnsafe(ref destination, (nuint)(Unsafe.Add(ref rev, 2) + revMid));
            r3.StoreUnsafe(ref destination, (nuint)(Unsafe.Add(ref rev, 3) + revMid));
            r4.StoreUnsafe(ref destination, (nuint)(Unsafe.Add(ref rev, 4) + revMid));
            r5.StoreUnsafe(ref destination, (nuint)(Unsafe.Add(ref rev, 5) + revMid));
            r6.StoreUnsafe(ref destination, (nuint)(Unsafe.Add(ref rev, 6) + revMid));
            r7.StoreUnsafe(ref destination, (nuint)(Unsafe.Add(ref rev, 7) + revMid));
            r8.StoreUnsafe(ref destination, (nuint)(Unsafe.Add(ref rev, 8) + revMid));
            r9.StoreUnsafe(ref destination, (nuint)(Unsafe.Add(ref rev, 9) + revMid));
            r10.StoreUnsafe(ref destination, (nuint)(Unsafe.Add(ref rev, 10) + revMid));
            r11.StoreUnsafe(ref destination, (nuint)(Unsafe.Add(ref rev, 11) + revMid));
            r12.StoreUnsafe(ref destination, (nuint)(Unsafe.Add(ref rev, 12) + revMid));
            r13.StoreUnsafe(ref destination, (nuint)(Unsafe.Add(ref rev, 13) + revMid));
            r14.StoreUnsafe(ref destination, (nuint)(Unsafe.Add(ref rev, 14) + revMid));
            r15.StoreUnsafe(ref destination, (nuint)(Unsafe.Add(ref rev, 15) + revMid));
        }
        return true;
    }

    // Row of 16 values at source[stride·first …]: consecutive, or the even-indexed ones of 32 interleaved.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Row(ref float source, nuint first, int stride, Vector512<int> evens) => stride == 1
        ? Vector512.LoadUnsafe(ref source, first)
        : Avx512F.PermuteVar16x32x2(Vector512.LoadUnsafe(ref source, 2 * first), evens, Vector512.LoadUnsafe(ref source, 2 * first + 16));

    // output[2n] = even[n]·scale, output[2n + 1] = odd[n]·scale, 16 n at a time; returns the first n not done.
    private static int InterleaveWide(float[] even, float[] odd, float scale, Span<float> output)
    {
        var n = 0;
        if (!Vector512.IsHardwareAccelerated || !Avx512F.IsSupported)
        {
            return n;
        }
        var low = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        var high = Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
        var factor = Vector512.Create(scale);
        ref var e = ref MemoryMarshal.GetArrayDataReference(even);
        ref var o = ref MemoryMarshal.GetArrayDataReference(odd);
        ref var y = ref MemoryMarshal.GetReference(output);
        for (; n + 16 <= even.Length; n += 16)
        {
            var a = Vector512.LoadUnsafe(ref e, (nuint)n) * factor;
            var b = Vector512.LoadUnsafe(ref o, (nuint)n) * factor;
            Avx512F.PermuteVar16x32x2(a, low, b).StoreUnsafe(ref y, (nuint)(2 * n));
            Avx512F.PermuteVar16x32x2(a, high, b).StoreUnsafe(ref y, (nuint)(2 * n + 16));
        }
        return n;
    }

    /// <summary>In-place radix-2 decimation-in-time FFT of bit-reversed split-format data.</summary>
    private void ComplexInPlace(Span<float> re, Span<float> im)
    {
        var m = re.Length;
        if (m == 2)
        {
            float r0 = re[0], i0 = im[0];
            re[0] = r0 + re[1];
            im[0] = i0 + im[1];
            re[1] = r0 - re[1];
            im[1] = i0 - im[1];
            return;
        }
        if (m < 4)
        {
            return;
        }
        // Spans 2, 4 and 8 in registers when 16 lanes fit, else spans 2 and 4 as a scalar radix-4 pass.
        var h = FirstStagesWide(re, im) ? 8 : FirstStagesRadix4(re, im);

        // One stage at a time while a vector holds more lanes than h, then two radix-2 stages (spans 2h and 4h) per pass
        // over the data while both remain, then the last one alone.
        for (; h < m && Vector512.IsHardwareAccelerated && h < Vector512<float>.Count; h *= 2)
        {
            Stage(re, im, h);
        }
        for (; 2 * h < m; h *= 4)
        {
            TwoStages(re, im, h);
        }
        if (h < m)
        {
            Stage(re, im, h);
        }
    }

    // Stages h and 2h. On 512-bit vectors in one pass (h ≥ 16): for each group of four quarter-spans (a, b, c, d) the
    // span-2h butterflies (a, b) and (c, d), then the span-4h butterflies (a, c) and (b, d), kept in registers between
    // them. Each butterfly is the radix-2 stage's expression with the same operands, so the values are bit for bit
    // those of two separate stages; the loads and stores are halved. Otherwise one stage after the other.
    private void TwoStages(Span<float> re, Span<float> im, int h)
    {
        if (Vector512.IsHardwareAccelerated && h >= Vector512<float>.Count)
        {
            TwoStagesWide(re, im, h);
            return;
        }
        Stage(re, im, h);
        Stage(re, im, 2 * h);
    }

    private void TwoStagesWide(Span<float> re, Span<float> im, int h)
    {
        var m = re.Length;
        ref var r = ref MemoryMarshal.GetReference(re);
        ref var i = ref MemoryMarshal.GetReference(im);
        ref var tr = ref MemoryMarshal.GetArrayDataReference(_twiddleRe);
        ref var ti = ref MemoryMarshal.GetArrayDataReference(_twiddleIm);
        for (var s = 0; s < m; s += 4 * h)
        {
            for (var k = 0; k < h; k += Vector512<float>.Count)
            {
                var a = (nuint)(s + k);
                var b = a + (nuint)h;
                var c = b + (nuint)h;
                var d = c + (nuint)h;
                // Span 2h: twiddle h + k for both pairs.
                var wr = Vector512.LoadUnsafe(ref tr, (nuint)(h + k));
                var wi = Vector512.LoadUnsafe(ref ti, (nuint)(h + k));
                var xr = Vector512.LoadUnsafe(ref r, b);
                var xi = Vector512.LoadUnsafe(ref i, b);
                var pr = xr * wr - xi * wi;
                var pi = xr * wi + xi * wr;
                var ur = Vector512.LoadUnsafe(ref r, a);
                var ui = Vector512.LoadUnsafe(ref i, a);
                var ar = ur + pr;
                var ai = ui + pi;
                var br = ur - pr;
                var bi = ui - pi;
                xr = Vector512.LoadUnsafe(ref r, d);
                xi = Vector512.LoadUnsafe(ref i, d);
                pr = xr * wr - xi * wi;
                pi = xr * wi + xi * wr;
                ur = Vector512.LoadUnsafe(ref r, c);
                ui = Vector512.LoadUnsafe(ref i, c);
                var cr = ur + pr;
                var ci = ui + pi;
                var dr = ur - pr;
                var di = ui - pi;
                // Span 4h: twiddles 2h + k for (a, c) and 3h + k for (b, d).
                wr = Vector512.LoadUnsafe(ref tr, (nuint)(2 * h + k));
                wi = Vector512.LoadUnsafe(ref ti, (nuint)(2 * h + k));
                pr = cr * wr - ci * wi;
                pi = cr * wi + ci * wr;
                (ar + pr).StoreUnsafe(ref r, a);
                (ai + pi).StoreUnsafe(ref i, a);
                (ar - pr).StoreUnsafe(ref r, c);
                (ai - pi).StoreUnsafe(ref i, c);
                wr = Vector512.LoadUnsafe(ref tr, (nuint)(3 * h + k));
                wi = Vector512.LoadUnsafe(ref ti, (nuint)(3 * h + k));
                pr = dr * wr - di * wi;
                pi = dr * wi + di * wr;
                (br + pr).StoreUnsafe(ref r, b);
                (bi + pi).StoreUnsafe(ref i, b);
                (br - pr).StoreUnsafe(ref r, d);
                (bi - pi).StoreUnsafe(ref i, d);
            }
        }
    }

    // One radix-2 stage with half-span h: a ← a + w·b, b ← a − w·b with w = exp(−πik/h).
    private void Stage(Span<float> re, Span<float> im, int h)
    {
        var m = re.Length;
        var span = 2 * h;
        var width = Vector<float>.Count;
        ref var r = ref MemoryMarshal.GetReference(re);
        ref var i = ref MemoryMarshal.GetReference(im);
        ref var tr = ref MemoryMarshal.GetArrayDataReference(_twiddleRe);
        ref var ti = ref MemoryMarshal.GetArrayDataReference(_twiddleIm);
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
            return;
        }
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

    // Spans 2 and 4 together (twiddles 1 and −i): one radix-4 pass. Returns the next half-span, 4.
    private static int FirstStagesRadix4(Span<float> re, Span<float> im)
    {
        var m = re.Length;
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
        return 4;
    }

    // The radix-4 pass and the span-8 stage on 16 points at a time, inside two registers. Every output is the scalar
    // passes' expression with the same operands in the same order: a − b appears as a + (−1)·b and b − a as
    // (−1)·a + b, which IEEE arithmetic rounds identically, so the values are bit for bit those of the scalar code.
    private bool FirstStagesWide(Span<float> re, Span<float> im)
    {
        var m = re.Length;
        if (m < 16 || !Vector512.IsHardwareAccelerated || !Avx512F.IsSupported)
        {
            return false;
        }
        var pairSwap = Vector512.Create(1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14);
        var alternate = Vector512.Create(1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f);
        var firstPair = Vector512.Create(0, 1, 0, 1, 4, 5, 4, 5, 8, 9, 8, 9, 12, 13, 12, 13);
        var crossed = Vector512.Create(2, 19, 2, 19, 6, 23, 6, 23, 10, 27, 10, 27, 14, 31, 14, 31); // (c of one, d of the other)
        var reSigns = Vector512.Create(1f, 1f, -1f, -1f, 1f, 1f, -1f, -1f, 1f, 1f, -1f, -1f, 1f, 1f, -1f, -1f);
        var imSigns = Vector512.Create(1f, -1f, -1f, 1f, 1f, -1f, -1f, 1f, 1f, -1f, -1f, 1f, 1f, -1f, -1f, 1f);
        var lower = Vector512.Create(0, 1, 2, 3, 0, 1, 2, 3, 8, 9, 10, 11, 8, 9, 10, 11);
        var upper = Vector512.Create(4, 5, 6, 7, 4, 5, 6, 7, 12, 13, 14, 15, 12, 13, 14, 15);
        var halfSigns = Vector512.Create(1f, 1f, 1f, 1f, -1f, -1f, -1f, -1f, 1f, 1f, 1f, 1f, -1f, -1f, -1f, -1f);
        // Span-8 twiddles exp(−2πik/8), k < 4, in both halves of each group of 8.
        var twiddleRe = Vector512.Shuffle(Vector512.Create(_twiddleRe[4], _twiddleRe[5], _twiddleRe[6], _twiddleRe[7], 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), lower & Vector512.Create(3));
        var twiddleIm = Vector512.Shuffle(Vector512.Create(_twiddleIm[4], _twiddleIm[5], _twiddleIm[6], _twiddleIm[7], 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), lower & Vector512.Create(3));
        ref var r0 = ref MemoryMarshal.GetReference(re);
        ref var i0 = ref MemoryMarshal.GetReference(im);
        for (var s = 0; s + 16 <= m; s += 16)
        {
            var at = (nuint)s;
            var r = Vector512.LoadUnsafe(ref r0, at);
            var i = Vector512.LoadUnsafe(ref i0, at);
            // Per group of 4: (a, b, c, d) = (x0 + x1, x0 − x1, x2 + x3, x2 − x3).
            var t = r * alternate + Vector512.Shuffle(r, pairSwap);
            var u = i * alternate + Vector512.Shuffle(i, pairSwap);
            // re: (ar + cr, br + di, ar − cr, br − di); im: (ai + ci, bi − dr, ai − ci, bi + dr).
            r = Vector512.Shuffle(t, firstPair) + Avx512F.PermuteVar16x32x2(t, crossed, u) * reSigns;
            i = Vector512.Shuffle(u, firstPair) + Avx512F.PermuteVar16x32x2(u, crossed, t) * imSigns;
            // Span 8: a ← u + w·x, b ← u − w·x for the four pairs of each group of 8.
            var xr = Vector512.Shuffle(r, upper);
            var xi = Vector512.Shuffle(i, upper);
            var pr = xr * twiddleRe - xi * twiddleIm;
            var pi = xr * twiddleIm + xi * twiddleRe;
            (Vector512.Shuffle(r, lower) + pr * halfSigns).StoreUnsafe(ref r0, at);
            (Vector512.Shuffle(i, lower) + pi * halfSigns).StoreUnsafe(ref i0, at);
        }
        return true;
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
