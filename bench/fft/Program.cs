using System.Diagnostics;
using System.Runtime.InteropServices;
using Auralis.Dsp;

// Forward real FFTs of 2048 and 4096 points (the sizes the plugins use), nanoseconds per transform, best of 5 rounds
// of a second each, one thread. Peers in the same run: MathNet.Numerics (managed) and FFTW 3 single precision (native,
// FFTW_MEASURE plan). Output: a markdown table on stdout.
Console.WriteLine("| size | RealFft (ours) ns | MathNet.Numerics ns | FFTW 3 (float) ns | ours vs MathNet | ours vs FFTW |");
Console.WriteLine("|---|---|---|---|---|---|");
foreach (var n in new[] { 2048, 4096 })
{
    var rng = new Random(1);
    var x = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
    var ours = new RealFft(n);
    var re = new float[n / 2 + 1];
    var im = new float[n / 2 + 1];
    var oursNs = Best(() => ours.Forward(x, re, im));

    var mathNetBuffer = new float[n + 2];
    var mathNetNs = Best(() =>
    {
        x.CopyTo(mathNetBuffer, 0);
        MathNet.Numerics.IntegralTransforms.Fourier.ForwardReal(mathNetBuffer, n, MathNet.Numerics.IntegralTransforms.FourierOptions.NoScaling);
    });

    double fftwNs;
    var input = Fftw.Allocate(n);
    var output = Fftw.Allocate(n + 2);
    try
    {
        var plan = Fftw.PlanR2C(n, input, output, 0 /* FFTW_MEASURE */);
        Marshal.Copy(x, 0, input, n);
        fftwNs = Best(() => Fftw.Execute(plan));
        Fftw.Destroy(plan);
    }
    finally
    {
        Fftw.Free(input);
        Fftw.Free(output);
    }
    Console.WriteLine($"| {n} | {oursNs:0} | {mathNetNs:0} | {fftwNs:0} | {mathNetNs / oursNs:0.0}× faster | {fftwNs / oursNs:0.00}× |");
}

static double Best(Action transform)
{
    for (var i = 0; i < 2000; i++)
    {
        transform();
    }
    var best = double.MaxValue;
    for (var round = 0; round < 5; round++)
    {
        var count = 0;
        var watch = Stopwatch.StartNew();
        while (watch.ElapsedMilliseconds < 1000)
        {
            for (var i = 0; i < 100; i++)
            {
                transform();
            }
            count += 100;
        }
        best = Math.Min(best, watch.Elapsed.TotalNanoseconds / count);
    }
    return best;
}

internal static partial class Fftw
{
    private const string Library = "libfftw3f.so.3";

    [LibraryImport(Library, EntryPoint = "fftwf_malloc")]
    public static partial IntPtr Malloc(nuint bytes);

    [LibraryImport(Library, EntryPoint = "fftwf_free")]
    public static partial void Free(IntPtr p);

    [LibraryImport(Library, EntryPoint = "fftwf_plan_dft_r2c_1d")]
    public static partial IntPtr PlanR2C(int n, IntPtr input, IntPtr output, uint flags);

    [LibraryImport(Library, EntryPoint = "fftwf_execute")]
    public static partial void Execute(IntPtr plan);

    [LibraryImport(Library, EntryPoint = "fftwf_destroy_plan")]
    public static partial void Destroy(IntPtr plan);

    public static IntPtr Allocate(int floats) => Malloc((nuint)(floats * sizeof(float)));
}
