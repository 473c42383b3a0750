using System.Diagnostics;

namespace Auralis.Cli.Run;

/// <summary>
/// A synthetic background load that allocates garbage at a steady rate, as a busy web server or UI would: objects of
/// 64 B to 16 KB, a rolling share of which stay alive for a while so that collections have real work. It exists to
/// measure what garbage collections do to the audio (the hidden <c>--alloc-load</c> option of <c>auralis run</c>).
/// </summary>
internal sealed class AllocationLoad : IDisposable
{
    private readonly Thread _thread;
    private readonly double _bytesPerSecond;
    private volatile bool _stop;

    private AllocationLoad(double megabytesPerSecond)
    {
        _bytesPerSecond = megabytesPerSecond * 1024 * 1024;
        _thread = new Thread(Run) { IsBackground = true, Name = "allocation-load" };
        _thread.Start();
    }

    /// <summary>Starts allocating <paramref name="megabytesPerSecond"/> MiB/s on a background thread.</summary>
    public static AllocationLoad Start(double megabytesPerSecond) => new(megabytesPerSecond);

    /// <summary>Bytes allocated so far.</summary>
    public long Allocated { get; private set; }

    /// <summary>Stops the load.</summary>
    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    private void Run()
    {
        var keep = new object[8192];
        var random = new Random(7);
        var start = Stopwatch.GetTimestamp();
        long allocated = 0;
        var k = 0;
        while (!_stop)
        {
            var due = Stopwatch.GetElapsedTime(start).TotalSeconds * _bytesPerSecond;
            while (allocated < due)
            {
                var size = 64 << random.Next(9); // 64 B .. 16 KB
                var array = new byte[size];
                array[0] = 1;
                if ((k++ & 7) == 0)
                {
                    keep[random.Next(keep.Length)] = array; // about one in eight survives a while
                }
                allocated += size;
            }
            Allocated = allocated;
            Thread.Sleep(1);
        }
    }
}
