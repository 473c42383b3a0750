using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Auralis.Engine.Graph;
using Auralis.Engine.Plugins;
using Auralis.Sdk;

namespace Auralis.Engine.Isolation;

/// <summary>
/// A plugin instance that runs in a sandbox process. To the graph it is an ordinary plugin; each <see cref="Process"/>
/// hands the block to the child through shared memory and waits (bounded) for the answer. While the child is down —
/// crashed, hung and killed, or restarting — the node passes its input through with its latency kept, exactly like an
/// in-process node that failed, and every such event is recorded for <see cref="DescribeFaults"/>.
/// </summary>
internal sealed unsafe class SandboxedPlugin : IAudioPlugin, ISandboxedInstance
{
    private const int Up = 1, Down = 0, GaveUp = 2;
    /// <summary>Result frames one block can carry back; more are counted as dropped.</summary>
    private const int ResultCapacity = 256;

    private readonly SandboxProcess _process;
    private readonly LoadedPlugin _plugin;
    private readonly object _incidentsGate = new();
    private readonly List<SandboxIncident> _incidents = [];
    private SharedMemory? _memory;
    private BlockExchange? _exchange;
    private AudioSetup _setup;
    private int _layoutIndex;
    private DelayLine[] _bypass = [];
    private int[] _bypassSource = [];
    private float[] _scratch = [];
    private long _hangTicks, _blockWaitTicks, _startTicks;

    // Audio-thread state.
    private int _sequence;
    private bool _awaiting;
    private long _requestedAt;
    private int _seenGeneration;
    private bool _threw;

    // Shared between the audio thread and the supervisor (plain words, atomically accessed).
    private int _state = Down;
    private int _generation;
    private long _position;
    private long _bypassedFrames;
    private int _lateBlocks;
    private int _hangDeclared; // the limit in ms that was exceeded; 0 = not declared

    public SandboxedPlugin(SandboxProcess process, LoadedPlugin plugin)
    {
        _process = process;
        _plugin = plugin;
    }

    public PluginDescriptor Descriptor => _plugin.Descriptor;

    public int LatencySamples { get; private set; }

    public int TailSamples { get; private set; }

    /// <summary>Sandbox id of this instance (unique within its process's lifetime).</summary>
    public int InstanceId { get; private set; } = -1;

    /// <summary>Frames passed through unprocessed because the child was down or late.</summary>
    public long BypassedFrames => Interlocked.Read(ref _bypassedFrames);

    /// <summary>Blocks whose answer came too late (realtime) and were passed through.</summary>
    public int LateBlocks => Volatile.Read(ref _lateBlocks);

    /// <summary>True while the child is processing this instance.</summary>
    public bool IsUp => Volatile.Read(ref _state) == Up;

    public void Initialize(AudioSetup setup)
    {
        _setup = setup;
        _layoutIndex = -1;
        for (var i = 0; i < Descriptor.Layouts.Count; i++)
        {
            if (ReferenceEquals(Descriptor.Layouts[i], setup.Layout) || Descriptor.Layouts[i].Name == setup.Layout.Name)
            {
                _layoutIndex = i;
                break;
            }
        }
        if (_layoutIndex < 0)
        {
            throw new ArgumentException($"layout {setup.Layout.Name} is not one of {Descriptor.Id}'s layouts");
        }
        var layout = setup.Layout;
        var width = Descriptor.Results.Where(r => r.Scope == ResultScope.Frame).Sum(r => r.Length);
        var shape = new ExchangeShape(Descriptor.Parameters.Count, layout.InputChannelCount, layout.OutputChannelCount, setup.MaxBlockSize,
            Math.Max(1, width), width == 0 ? 1 : ResultCapacity);
        _memory?.Dispose();
        _memory = SharedMemory.Create($"auralis-{Descriptor.Id}", shape.Size);
        _exchange = new BlockExchange(_memory.Pointer, shape);
        var parameters = _exchange.Parameters;
        for (var p = 0; p < parameters.Length; p++)
        {
            parameters[p] = Descriptor.Parameters[p].Default;
        }
        _hangTicks = (long)(_process.Options.HangTimeout.TotalSeconds * Stopwatch.Frequency);
        _startTicks = (long)(_process.Options.StartTimeout.TotalSeconds * Stopwatch.Frequency);
        // Offline, waiting is free: no deadline of its own, only the hang limit (the start timeout for a fresh child's
        // first block, which compiles the plugin; capping that at the hang timeout passed a whole run through when a
        // restarted child was slow to warm up on a loaded machine). Realtime, never hold the callback longer than one
        // block's duration: a late answer is skipped (passed through) rather than stalling every other node.
        _blockWaitTicks = setup.Mode == ProcessMode.Realtime
            ? (long)(setup.MaxBlockSize / setup.SampleRate * Stopwatch.Frequency)
            : long.MaxValue;
        _process.Attach(this);
        _bypass = new DelayLine[layout.OutputChannelCount];
        _bypassSource = new int[layout.OutputChannelCount];
        for (var c = 0; c < _bypass.Length; c++)
        {
            _bypass[c] = new DelayLine(LatencySamples);
            _bypassSource[c] = c % layout.InputChannelCount;
        }
        _scratch = new float[setup.MaxBlockSize];
    }

    /// <summary>The create request for the child (first start and every restart). Thread: control/supervisor.</summary>
    internal JsonObject CreateRequest(int instanceId)
    {
        // A fresh child starts counting from zero: clear the words before it maps them, or it would take the last
        // block its predecessor died on for a new request.
        *_exchange!.Request = 0;
        *_exchange.Response = 0;
        var shape = _exchange.Shape;
        var parameters = new JsonArray();
        foreach (var v in _exchange.Parameters)
        {
            parameters.Add(v);
        }
        return new JsonObject
        {
            ["op"] = "create",
            ["instance"] = instanceId,
            ["folder"] = _plugin.Folder,
            ["memory"] = _memory!.ChildPath,
            ["shape"] = new JsonArray(shape.Parameters, shape.InputChannels, shape.OutputChannels, shape.MaxBlock, shape.ResultWidth, shape.ResultCapacity),
            ["layout"] = _layoutIndex,
            ["rate"] = _setup.SampleRate,
            ["max_block"] = _setup.MaxBlockSize,
            ["mode"] = _setup.Mode.ToString(),
            ["expected"] = _setup.ExpectedLength,
            ["parameters"] = parameters,
        };
    }

    /// <summary>The child created the instance: start exchanging blocks. Thread: control/supervisor.</summary>
    internal void Started(int instanceId, int latency, int tail)
    {
        if (InstanceId >= 0 && (latency != LatencySamples || tail != TailSamples))
        {
            RecordDown($"changed latency/tail after a restart ({LatencySamples}/{TailSamples} -> {latency}/{tail}); the original was kept").Outcome = "";
        }
        else
        {
            LatencySamples = latency;
            TailSamples = tail;
        }
        InstanceId = instanceId;
        Interlocked.Increment(ref _generation);
        Volatile.Write(ref _state, Up);
    }

    /// <summary>The child died: no more requests to it. Thread: supervisor (for every instance of the child first).</summary>
    internal void MarkDown() => Volatile.Write(ref _state, Down);

    /// <summary>Releases an audio thread waiting on the dead child. Thread: supervisor, after every instance's
    /// <see cref="MarkDown"/>, so no node of a shared child sends a request to it after another noticed its death.</summary>
    internal void ReleaseWaiter()
    {
        // The dead child will never write the response word again: poison it and wake the audio thread.
        Volatile.Write(ref *_exchange!.Response, -1);
        LinuxNative.Wake(_exchange.Response);
    }

    /// <summary>The sandbox will not restart the child again. Thread: supervisor.</summary>
    internal void MarkGaveUp() => Volatile.Write(ref _state, GaveUp);

    /// <summary>The wait (ms) after which the audio thread declared the child hung, or 0 if it did not.</summary>
    internal int ConsumeHangDeclared() => Interlocked.Exchange(ref _hangDeclared, 0);

    internal long LastPosition => Interlocked.Read(ref _position);

    /// <summary>Records that the child went away (first thing the supervisor does). Thread: supervisor.</summary>
    internal SandboxIncident RecordDown(string what)
    {
        var incident = new SandboxIncident(what, LastPosition, () => Interlocked.Increment(ref _incidentVersion));
        lock (_incidentsGate)
        {
            _incidents.Add(incident);
        }
        Interlocked.Increment(ref _incidentVersion);
        return incident;
    }

    private int _incidentVersion;

    public int IncidentVersion => Volatile.Read(ref _incidentVersion);

    /// <summary>Every incident so far. Thread: any.</summary>
    public IReadOnlyList<SandboxIncident> Incidents
    {
        get
        {
            lock (_incidentsGate)
            {
                return [.. _incidents];
            }
        }
    }

    public void Reset()
    {
        foreach (var d in _bypass)
        {
            d.Clear();
        }
        if (IsUp)
        {
            _process.TryCall(new JsonObject { ["op"] = "reset", ["instance"] = InstanceId });
        }
    }

    public ProcessStatus Process(in ProcessContext context)
    {
        var exchange = _exchange!;
        var frames = context.FrameCount;
        var answered = false;
        var status = ProcessStatus.Normal;
        if (_setup.Mode == ProcessMode.Offline && Volatile.Read(ref _state) == Down)
        {
            WaitForRestart();
        }
        if (Volatile.Read(ref _state) == Up)
        {
            var generation = Volatile.Read(ref _generation);
            if (generation != _seenGeneration)
            {
                // A restarted child: start counting afresh.
                _seenGeneration = generation;
                _sequence = 0;
                _awaiting = false;
            }
            if (_awaiting)
            {
                if (Volatile.Read(ref *exchange.Response) == _sequence)
                {
                    _awaiting = false; // the late answer arrived; its audio is stale and dropped
                }
                else if (Stopwatch.GetTimestamp() - _requestedAt > HangLimit())
                {
                    DeclareHung(HangLimit());
                }
            }
            if (!_awaiting && Volatile.Read(ref _state) == Up)
            {
                exchange.Frames = frames;
                exchange.Position = context.Position;
                exchange.InputEnd = context.InputEnd;
                context.Parameters.CopyTo(exchange.Parameters);
                for (var c = 0; c < context.InputChannelCount; c++)
                {
                    context.Input(c).CopyTo(exchange.Input(c));
                }
                _sequence++;
                Volatile.Write(ref _position, context.Position);
                Volatile.Write(ref *exchange.Request, _sequence);
                LinuxNative.Wake(exchange.Request);
                _requestedAt = Stopwatch.GetTimestamp();
                answered = AwaitResponse(exchange, _requestedAt + Math.Min(_blockWaitTicks, HangLimit()));
                if (!answered && Volatile.Read(ref _state) == Up && Volatile.Read(ref _generation) == _seenGeneration)
                {
                    _awaiting = true;
                    if (_blockWaitTicks >= HangLimit())
                    {
                        DeclareHung(HangLimit());
                    }
                    else
                    {
                        Interlocked.Increment(ref _lateBlocks);
                    }
                }
            }
        }
        if (answered)
        {
            var code = exchange.Status;
            if (code == ExchangeStatus.Threw)
            {
                _threw = true;
                status = ProcessStatus.Error;
            }
            else
            {
                status = (ProcessStatus)code;
                for (var c = 0; c < context.OutputChannelCount; c++)
                {
                    exchange.Output(c)[..frames].CopyTo(context.Output(c));
                }
                var results = Math.Min(exchange.ResultCount, exchange.Shape.ResultCapacity);
                for (var i = 0; i < results; i++)
                {
                    var length = Math.Clamp(exchange.ResultLength(i), 0, exchange.Shape.ResultWidth);
                    context.Results.WriteFrame(exchange.ResultTime(i), exchange.ResultValues(i)[..length]);
                }
            }
        }
        else
        {
            Interlocked.Add(ref _bypassedFrames, frames);
        }
        // The bypass path is fed every block so it is ready (latency kept) the moment the child goes away.
        for (var c = 0; c < _bypass.Length; c++)
        {
            var destination = answered ? _scratch.AsSpan(0, frames) : context.Output(c);
            _bypass[c].Process(context.Input(_bypassSource[c]), destination, add: false);
        }
        return status;
    }

    // A fresh child compiles the plugin's code on its first block: that one gets the start timeout, not the hang one.
    private long HangLimit() => _sequence <= 1 ? Math.Max(_hangTicks, _startTicks) : _hangTicks;

    // Offline there is no deadline to keep: wait for the supervisor's restart so only the block that was lost in the
    // crash passes through unprocessed.
    private void WaitForRestart()
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(_process.Options.StartTimeout.TotalSeconds * Stopwatch.Frequency);
        while (Volatile.Read(ref _state) == Down && Stopwatch.GetTimestamp() < deadline)
        {
            Thread.Sleep(1);
        }
    }

    private bool AwaitResponse(BlockExchange exchange, long deadline)
    {
        var target = _sequence;
        // A short spin first: a healthy child usually answers within microseconds, and sleeping costs more.
        for (var spin = 0; spin < 200; spin++)
        {
            if (Volatile.Read(ref *exchange.Response) == target)
            {
                return true;
            }
            Thread.SpinWait(10);
        }
        while (true)
        {
            var seen = Volatile.Read(ref *exchange.Response);
            if (seen == target)
            {
                return true;
            }
            // The child this request went to is gone: down, or already replaced by a restarted one (a loaded machine
            // can keep this thread asleep through the whole restart). Waiting on would blame the new child for the
            // old one's silence and kill it as hung.
            if (Volatile.Read(ref _state) != Up || Volatile.Read(ref _generation) != _seenGeneration)
            {
                return false;
            }
            var left = deadline - Stopwatch.GetTimestamp();
            if (left <= 0)
            {
                return false;
            }
            LinuxNative.Wait(exchange.Response, seen, (long)(left * (1e9 / Stopwatch.Frequency)));
        }
    }

    // The child stopped answering: kill it (allocation-free); the supervisor sees it exit and restarts it.
    private void DeclareHung(long limitTicks)
    {
        if (Interlocked.CompareExchange(ref _state, Down, Up) == Up)
        {
            Volatile.Write(ref _hangDeclared, (int)Math.Max(1, limitTicks * 1000 / Stopwatch.Frequency));
            var pid = _process.ChildPid;
            if (pid > 0)
            {
                LinuxNative.Kill(pid, LinuxNative.SigKill);
            }
        }
    }

    public void Summarize(ISummarySink sink)
    {
        if (!IsUp)
        {
            return; // its state died with the child; the incident is reported
        }
        var reply = _process.TryCall(new JsonObject { ["op"] = "summarize", ["instance"] = InstanceId });
        if (reply?["entries"] is not JsonArray entries)
        {
            return;
        }
        foreach (var entry in entries.OfType<JsonObject>())
        {
            var id = entry["id"]!.GetValue<string>();
            var values = Convert.FromBase64String(entry["values"]!.GetValue<string>());
            var doubles = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(values);
            if (entry["scalar"]?.GetValue<bool>() == true && doubles.Length == 1)
            {
                sink.Write(id, doubles[0]);
            }
            else
            {
                sink.Write(id, doubles);
            }
        }
    }

    public string? DescribeFaults()
    {
        var parts = new List<string>();
        if (_threw && _exchange is not null)
        {
            parts.Add($"failed and is bypassed: in its sandbox process: {_exchange.ReadError()}");
        }
        lock (_incidentsGate)
        {
            parts.AddRange(_incidents.Select(i => i.ToString()));
        }
        if (Volatile.Read(ref _hangDeclared) is var limitMs and not 0)
        {
            // Declared on the audio thread a moment ago; the supervisor has not recorded it yet.
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"in its sandbox process hung (no answer within {limitMs} ms) at sample {LastPosition} and was killed; the node was bypassed; the process is restarting"));
        }
        if (BypassedFrames > 0 && parts.Count > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{BypassedFrames} samples were passed through unprocessed"));
        }
        if (LateBlocks > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"answered late in {LateBlocks} blocks (passed through)"));
        }
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    public void Dispose()
    {
        _process.Detach(this);
        _memory?.Dispose();
        _memory = null;
    }
}

/// <summary>One time a sandboxed instance's process went away, and what followed.</summary>
public sealed class SandboxIncident(string what, long atSample, Action? changed = null)
{
    private string? _outcome;

    /// <summary>What happened, e.g. <c>crashed (SIGSEGV, segmentation fault)</c>.</summary>
    public string What { get; } = what;

    /// <summary>The graph position of the last block handed to the process.</summary>
    public long AtSample { get; } = atSample;

    /// <summary>How long the restart took, once it finished.</summary>
    public TimeSpan? RestartTime { get; internal set; }

    /// <summary>What followed (restarted, gave up); null while the restart is under way.</summary>
    public string? Outcome
    {
        get => _outcome;
        internal set
        {
            _outcome = value;
            changed?.Invoke();
        }
    }

    /// <inheritdoc />
    public override string ToString() => Outcome == ""
        ? What
        : string.Create(CultureInfo.InvariantCulture, $"in its sandbox process {What} at sample {AtSample}; the node was bypassed; {Outcome ?? "the process is restarting"}");
}
