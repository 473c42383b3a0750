using Auralis.Jack;

namespace Auralis.Realtime.Tests.Support;

/// <summary>
/// Our own JACK client for tests: plays a signal into the ports under test and records what comes back, sample-exact
/// (both against the same frame counter), because the dummy driver's capture ports deliver only zeros. The signal
/// loops; recording stops when the buffer is full.
/// </summary>
public sealed class TestJackClient : IJackClientHandler, IDisposable
{
    private readonly JackClient _client;
    private readonly JackPort[] _play;
    private readonly JackPort[] _record;
    private Take? _take;
    private bool _paced;

    public TestJackClient(JackServer server, string name, int playChannels, int recordChannels)
    {
        _client = JackClient.Open(name, server.Name);
        _play = Enumerable.Range(1, playChannels).Select(c => _client.RegisterAudioPort($"play_{c}", isInput: false)).ToArray();
        _record = Enumerable.Range(1, recordChannels).Select(c => _client.RegisterAudioPort($"rec_{c}", isInput: true)).ToArray();
        _client.SetHandler(this);
        _client.Activate();
    }

    public JackClient Client => _client;

    /// <summary>Frames recorded so far.</summary>
    public long Recorded => Volatile.Read(ref _take) is { } take ? Math.Min(Volatile.Read(ref take.Position), take.Length) : 0;

    /// <summary>What came back, per channel.</summary>
    public float[][] Recording => Volatile.Read(ref _take)?.Recorded ?? [];

    /// <summary>Connects our outputs to <paramref name="client"/>'s inputs and its outputs to our inputs.</summary>
    public void ConnectLoop(string client)
    {
        for (var c = 0; c < _play.Length; c++)
        {
            _client.Connect(_play[c].Name, $"{client}:in_{c + 1}");
        }
        for (var c = 0; c < _record.Length; c++)
        {
            _client.Connect($"{client}:out_{c + 1}", _record[c].Name);
        }
    }

    /// <summary>Starts playing <paramref name="signal"/> (looped) and recording <paramref name="frames"/> frames, from the next period.</summary>
    public void Start(float[][] signal, int frames) =>
        Volatile.Write(ref _take, new Take(signal, _record.Select(_ => new float[frames]).ToArray(), frames));

    /// <summary>Waits until at least <paramref name="frames"/> frames are recorded.</summary>
    public void WaitForRecorded(long frames, int timeoutSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (Recorded < frames)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"recorded {Recorded} of {frames} frames in {timeoutSeconds} s");
            }
            Thread.Sleep(5);
        }
    }

    /// <summary>
    /// Records until full, running the server as fast as it goes (freewheel: no deadlines, so no xruns), and does
    /// <paramref name="midway"/> once half of it is recorded (a change while the audio streams).
    /// </summary>
    public void RecordFreewheeling(float[][] signal, int frames, Action? midway = null)
    {
        _client.SetFreewheel(true);
        try
        {
            Start(signal, frames);
            if (midway is not null)
            {
                WaitForRecorded(frames / 2);
                // A change takes wall-clock time (a graph swap compiles and warms up): at full freewheeling speed the
                // second half could be recorded before it lands, and the test would see none. Real-time pace would
                // bring deadlines back, and on a loaded machine an xrun in the middle of the change corrupts the very
                // samples under test (seen in CI: a 10 ms ramp measured 535 frames long). So the server keeps
                // freewheeling — no deadlines — and our callback slows each cycle down to about a millisecond while
                // the change is under way: 64 frames per millisecond, slower than real time, on any machine.
                Volatile.Write(ref _paced, true);
                try
                {
                    midway();
                }
                finally
                {
                    Volatile.Write(ref _paced, false);
                }
            }
            WaitForRecorded(frames);
        }
        finally
        {
            _client.SetFreewheel(false);
        }
    }

    public void Process(uint frames)
    {
        if (Volatile.Read(ref _paced))
        {
            Thread.Sleep(1); // freewheeling, so no deadline is missed: see RecordFreewheeling
        }
        var n = (int)frames;
        var take = Volatile.Read(ref _take);
        var position = take?.Position ?? 0;
        for (var c = 0; c < _play.Length; c++)
        {
            var output = _play[c].Buffer(frames);
            if (take is null || c >= take.Signal.Length)
            {
                output.Clear();
                continue;
            }
            var source = take.Signal[c];
            for (var i = 0; i < n; i++)
            {
                output[i] = source[(int)((position + i) % source.Length)];
            }
        }
        if (take is null)
        {
            return;
        }
        for (var c = 0; c < _record.Length; c++)
        {
            var input = _record[c].Buffer(frames);
            var target = take.Recorded[c];
            var count = (int)Math.Clamp(target.Length - position, 0, n);
            input[..count].CopyTo(target.AsSpan((int)Math.Min(position, target.Length)));
        }
        Volatile.Write(ref take.Position, position + n);
    }

    public void Xrun() => Interlocked.Increment(ref _xruns);

    /// <summary>Xruns the server reported to this client so far (none can happen while freewheeling).</summary>
    public int Xruns => Volatile.Read(ref _xruns);

    private int _xruns;

    public void Latency(JackLatencyMode mode)
    {
    }

    public void Shutdown(string reason)
    {
    }

    public void Dispose() => _client.Dispose();

    // One recording: the signal played (looped), the buffers filled, and the shared frame counter.
    private sealed class Take(float[][] signal, float[][] recorded, long length)
    {
        public readonly float[][] Signal = signal;
        public readonly float[][] Recorded = recorded;
        public readonly long Length = length;
        public long Position;
    }
}
