using System.Runtime.InteropServices;
using Auralis.Engine.Realtime;
using Auralis.Vst3.Abi;
using Auralis.Vst3.Classes;
using Auralis.Vst3.Com;
using Auralis.Vst3.Diagnostics;
using Auralis.Vst3.Processing;

namespace Auralis.Vst3.Component;

/// <summary>
/// One instance of an Auralis VST3 class, as a single-component plugin: the same object is the component
/// (IComponent), the audio processor (IAudioProcessor) and the edit controller (IEditController; the DAW's generic
/// editor, no custom view). Every entry point catches everything: an exception never crosses into the DAW; it is
/// reported, the call returns an error code and the instance passes audio through.
/// </summary>
internal sealed unsafe partial class AuralisComponent : ComObject, IWatchedInstance
{
    private const int MaxStateBytes = 8 << 20;
    private static int _instanceCount;

    private readonly void* _component;
    private readonly void* _processor;
    private readonly void* _controller;
    private readonly void* _contextRequirements;
    private readonly Vst3Class _class;
    private readonly ClassRegistry _registry;
    private readonly int _instanceNumber = Interlocked.Increment(ref _instanceCount);
    private readonly Lock _control = new();
    private readonly IReadOnlyList<BridgeParameter> _parameters;
    private readonly uint[] _sortedIds;
    private readonly int[] _sortedIndexes;
    private readonly double[] _controllerValues;
    private float[] _publishedResults = [];

    private BridgedProcessor? _core;

    // Buses the host switched off (activateBus), one bit per bus index. The host may still hand over buffers for them
    // (Ardour points every unconnected output at one shared scratch buffer), but the VST3 contract lets those
    // addresses be anything: an inactive input reads as silence, an inactive output is never written.
    private ulong _inactiveInputs;
    private ulong _inactiveOutputs;
    private void* _handler;
    private double _sampleRate;
    private int _maxBlockSize;
    private bool _prepared;
    private volatile bool _active;

    // Holding the audio thread off while the control thread swaps state: the audio thread marks itself inside
    // process and checks _suspended; the control thread sets _suspended and waits until process is left. Both use
    // full fences, so neither misses the other; the audio thread never waits (it passes audio through instead).
    private int _inProcess;
    private int _suspended;

    private volatile bool _bridgeFailed;
    private Exception? _bridgeFault;
    private bool _faultPublished;
    private bool _faultReported;
    private int _pendingRestart;
    private long _allocatedBytes;
    private long _processCalls;
    private long _firstAllocatingCall;
    private int _firstAllocatingFrames;
    private long _allocatingCalls;
    private int _lastProcessThread;     // the host may call process from more than one of its threads
    private long _threadSwitches;
    private long _callsWithCollection; // a collection (started by any thread) ended during the call

    public AuralisComponent(Vst3Class vstClass, ClassRegistry registry)
    {
        _class = vstClass;
        _registry = registry;
        _component = Expose(ComponentVtable);
        _processor = Expose(ProcessorVtable);
        _controller = Expose(ControllerVtable);
        _contextRequirements = Expose(ContextRequirementsVtable);
        _parameters = BridgeParameter.For(vstClass.Plugin?.Descriptor);
        _sortedIds = _parameters.Select(p => p.Id).ToArray();
        _sortedIndexes = Enumerable.Range(0, _parameters.Count).ToArray();
        Array.Sort(_sortedIds, _sortedIndexes);
        _controllerValues = _parameters.Select(p => p.DefaultNormalized).ToArray();
    }

    private string Who => $"'{_class.Name}' ({_class.PluginId}) instance #{_instanceNumber}";

    protected override void* InterfaceFor(in Tuid iid)
    {
        if (iid.Equals(Iids.FUnknown) || iid.Equals(Iids.IPluginBase) || iid.Equals(Iids.IComponent))
        {
            return _component;
        }
        if (iid.Equals(Iids.IAudioProcessor))
        {
            return _processor;
        }
        if (iid.Equals(Iids.IEditController))
        {
            return _controller;
        }
        return iid.Equals(Iids.IProcessContextRequirements) ? _contextRequirements : null;
    }

    protected override void OnFinalRelease() => Terminate();

    // ---- IPluginBase ----

    private int Initialize()
    {
        lock (_control)
        {
            if (_core is not null)
            {
                return VstResult.Ok; // the controller face of the same object may be initialised too
            }
            _core = _class.IsChain ? new ChainProcessor(_registry) : new PluginProcessor(_class.Plugin!);
            // As getBusInfo announces them: main buses and outputs start active, side-chain inputs wait for the host.
            _inactiveInputs = 0;
            for (var b = 1; b < Math.Min(64, _core.Buses.Inputs.Count); b++)
            {
                _inactiveInputs |= 1UL << b;
            }
            _inactiveOutputs = 0;
        }
        InstanceWatcher.Watch(this);
        return VstResult.Ok;
    }

    private int Terminate()
    {
        BridgedProcessor? core;
        lock (_control)
        {
            if (_core is null)
            {
                return VstResult.Ok;
            }
            _active = false;
        }
        InstanceWatcher.Forget(this);
        lock (_control)
        {
            ReportNewFault();
            ReportAllocations();
            core = _core;
            _core = null;
            SetHandler(null);
        }
        core?.Dispose();
        return VstResult.Ok;
    }

    // ---- IComponent ----

    private int GetBusCount(int mediaType, int direction)
    {
        if (mediaType != Vst.MediaAudio || _core is null)
        {
            return 0;
        }
        return direction == Vst.DirectionInput ? _core.Buses.Inputs.Count : _core.Buses.Outputs.Count;
    }

    private int GetBusInfo(int mediaType, int direction, int index, BusInfo* info)
    {
        if (mediaType != Vst.MediaAudio || _core is null || info == null)
        {
            return VstResult.InvalidArgument;
        }
        var buses = direction == Vst.DirectionInput ? _core.Buses.Inputs : _core.Buses.Outputs;
        if ((uint)index >= (uint)buses.Count)
        {
            return VstResult.InvalidArgument;
        }
        var bus = buses[index];
        info->MediaType = Vst.MediaAudio;
        info->Direction = direction;
        info->ChannelCount = bus.Channels;
        VstText.Copy(bus.Name, info->Name, 128);
        info->BusType = bus.IsMain ? Vst.BusMain : Vst.BusAux;
        // Side-chain inputs wait for the user; outputs (a separator's stems) are all live.
        info->Flags = bus.IsMain || direction == Vst.DirectionOutput ? (uint)BusInfo.FlagDefaultActive : 0;
        return VstResult.Ok;
    }

    private int ActivateBus(int mediaType, int direction, int index, bool state)
    {
        lock (_control)
        {
            if (_core is null)
            {
                return VstResult.NotInitialized;
            }
            var count = direction == Vst.DirectionInput ? _core.Buses.Inputs.Count : _core.Buses.Outputs.Count;
            if (mediaType != Vst.MediaAudio || (uint)index >= (uint)Math.Min(64, count))
            {
                return VstResult.InvalidArgument;
            }
            ref var inactive = ref direction == Vst.DirectionInput ? ref _inactiveInputs : ref _inactiveOutputs;
            inactive = state ? inactive & ~(1UL << index) : inactive | (1UL << index);
            return VstResult.Ok;
        }
    }

    private int SetActive(bool state)
    {
        lock (_control)
        {
            if (_core is null)
            {
                return VstResult.NotInitialized;
            }
            if (!state)
            {
                _active = false;
                ReportAllocations();
                return VstResult.Ok;
            }
            if (!_prepared)
            {
                BridgeLog.Error($"{Who}: the host activated it before setupProcessing; it stays inactive");
                return VstResult.False;
            }
            WithAudioHeldOff(() =>
            {
                WarmUp();
                _core.Reset();
            });
            _allocatedBytes = 0;
            _processCalls = 0;
            _firstAllocatingCall = 0;
            _allocatingCalls = 0;
            _lastProcessThread = 0;
            _threadSwitches = 0;
            _callsWithCollection = 0;
            _active = true;
            return VstResult.Ok;
        }
    }

    private int GetState(void* stream)
    {
        byte[] state;
        lock (_control)
        {
            if (_core is null || stream == null)
            {
                return VstResult.InvalidArgument;
            }
            state = _core.SaveState();
        }
        HostInterfaces.WriteAll(stream, state);
        return VstResult.Ok;
    }

    private int SetState(void* stream)
    {
        if (stream == null)
        {
            return VstResult.InvalidArgument;
        }
        var bytes = HostInterfaces.ReadAll(stream, MaxStateBytes);
        lock (_control)
        {
            if (_core is null)
            {
                return VstResult.NotInitialized;
            }
            Action commit;
            try
            {
                commit = _core.StageState(bytes);
            }
            catch (Exception e) when (e is FormatException or Engine.Graph.GraphException or Engine.Plugins.PluginLoadException)
            {
                BridgeLog.Error($"{Who}: the saved state cannot be loaded: {e.Message}; the current state is kept");
                return VstResult.False;
            }
            var latency = _core.LatencySamples;
            WithAudioHeldOff(() =>
            {
                commit();
                if (_prepared)
                {
                    WarmUp(); // a chain's new graph runs plugins the audio thread has not called yet
                    _core.Reset();
                }
            });
            for (var i = 0; i < _parameters.Count; i++)
            {
                if (_parameters[i] is { Role: ParameterRole.Input } p)
                {
                    _controllerValues[i] = p.ToNormalized(_core.GetParameter(p.Index));
                }
            }
            // The host re-reads parameter values itself after setState; a new latency it must be told, but not from
            // inside its own call (Ardour holds a lock here that restartComponent takes): the watcher tells it.
            if (latency != _core.LatencySamples)
            {
                _pendingRestart |= Vst.RestartLatencyChanged;
            }
        }
        return VstResult.Ok;
    }

    // ---- IAudioProcessor ----

    private int SetBusArrangements(ulong* inputs, int inputCount, ulong* outputs, int outputCount)
    {
        lock (_control)
        {
            if (_core is null || inputCount < 0 || outputCount < 0 || inputCount > 64 || outputCount > 64)
            {
                return VstResult.InvalidArgument;
            }
            Span<int> ins = stackalloc int[inputCount];
            Span<int> outs = stackalloc int[outputCount];
            for (var i = 0; i < inputCount; i++)
            {
                ins[i] = Vst.ChannelCount(inputs[i]);
            }
            for (var i = 0; i < outputCount; i++)
            {
                outs[i] = Vst.ChannelCount(outputs[i]);
            }
            if (_core.Buses.Accepts(ins, outs))
            {
                return VstResult.True; // a bus left inactive changes nothing here
            }
            if (_active)
            {
                return VstResult.False; // the layout cannot change while processing
            }
            var before = _core.Buses;
            if (!_core.TrySelectBuses(ins, outs))
            {
                return VstResult.False;
            }
            if (_prepared && !ReferenceEquals(before, _core.Buses))
            {
                Prepare();
            }
            return VstResult.True;
        }
    }

    private int GetBusArrangement(int direction, int index, ulong* arrangement)
    {
        if (_core is null || arrangement == null)
        {
            return VstResult.InvalidArgument;
        }
        var buses = direction == Vst.DirectionInput ? _core.Buses.Inputs : _core.Buses.Outputs;
        if ((uint)index >= (uint)buses.Count)
        {
            return VstResult.InvalidArgument;
        }
        *arrangement = Vst.Arrangement(buses[index].Channels);
        return VstResult.Ok;
    }

    private int SetupProcessing(ProcessSetup* setup)
    {
        lock (_control)
        {
            if (_core is null || setup == null)
            {
                return VstResult.InvalidArgument;
            }
            if (!(setup->SampleRate >= 8000 && setup->SampleRate <= 384000) || setup->MaxSamplesPerBlock < 1
                || setup->SymbolicSampleSize is not (Vst.Sample32 or Vst.Sample64))
            {
                BridgeLog.Error($"{Who}: unsupported processing setup ({setup->SampleRate} Hz, block {setup->MaxSamplesPerBlock}, " +
                                $"sample size {setup->SymbolicSampleSize}); Auralis takes 8000..384000 Hz, 32- or 64-bit samples");
                return VstResult.False;
            }
            _sampleRate = setup->SampleRate;
            _maxBlockSize = setup->MaxSamplesPerBlock;
            return Prepare() ? VstResult.Ok : VstResult.False;
        }
    }

    private bool Prepare()
    {
        var core = _core!;
        var ok = true;
        WithAudioHeldOff(() =>
        {
            try
            {
                core.Prepare(_sampleRate, _maxBlockSize);
                _publishedResults = new float[core.Results.Length];
                _prepared = true;
            }
            catch (Exception e)
            {
                BridgeLog.Error($"{Who}: {e.Message}; the instance passes audio through");
                _bridgeFault = e;
                _bridgeFailed = true;
                ok = false;
            }
        });
        return ok;
    }

    // Runs the audio path on this (control) thread before the audio thread does, so that everything it will call is
    // compiled and every static is initialised before the first real block, which must not allocate either: the
    // engine's warm-up signal for as long as it says (WarmUpSignal), in 32-bit blocks, then one 64-bit block so the
    // conversion path runs too; the core is reset afterwards.
    private void WarmUp()
    {
        var buses = _core!.Buses;
        var frames = _maxBlockSize;
        var channels = Math.Max(buses.InputChannels, buses.OutputChannels);
        var samples = (double*)NativeMemory.AllocZeroed((nuint)(channels * frames), sizeof(double));
        var pointers = (void**)NativeMemory.AllocZeroed((nuint)channels, (nuint)sizeof(void*));
        var inputs = (AudioBusBuffers*)NativeMemory.AllocZeroed((nuint)buses.Inputs.Count + 1, (nuint)sizeof(AudioBusBuffers));
        var outputs = (AudioBusBuffers*)NativeMemory.AllocZeroed((nuint)buses.Outputs.Count + 1, (nuint)sizeof(AudioBusBuffers));
        var signal = new float[frames];
        var plugins = _core.Plugins;
        var warmUpFrames = WarmUpSignal.FramesFor(plugins, _sampleRate, (long)_core.LatencySamples + _core.TailSamples);
        try
        {
            for (var c = 0; c < channels; c++)
            {
                pointers[c] = samples + c * frames;
            }
            foreach (var sampleSize in (ReadOnlySpan<int>)[Vst.Sample32, Vst.Sample64])
            {
                for (var b = 0; b < buses.Inputs.Count; b++)
                {
                    inputs[b] = new AudioBusBuffers { NumChannels = buses.Inputs[b].Channels, ChannelBuffers = pointers };
                }
                for (var b = 0; b < buses.Outputs.Count; b++)
                {
                    outputs[b] = new AudioBusBuffers { NumChannels = buses.Outputs[b].Channels, ChannelBuffers = pointers };
                }
                var data = new ProcessData
                {
                    SymbolicSampleSize = sampleSize,
                    NumSamples = frames,
                    NumInputs = buses.Inputs.Count,
                    NumOutputs = buses.Outputs.Count,
                    Inputs = inputs,
                    Outputs = outputs,
                };
                var blocks = sampleSize == Vst.Sample32 ? Math.Max(1, (int)((warmUpFrames + frames - 1) / frames)) : 1;
                for (var block = 0; block < blocks; block++)
                {
                    // The buffers are in place (outputs overwrite inputs): the signal is written afresh for every block.
                    for (var c = 0; c < channels; c++)
                    {
                        if (sampleSize == Vst.Sample32)
                        {
                            WarmUpSignal.Write(new Span<float>(pointers[c], frames), (long)block * frames, c, _sampleRate);
                            continue;
                        }
                        WarmUpSignal.Write(signal, (long)block * frames, c, _sampleRate);
                        for (var i = 0; i < frames; i++)
                        {
                            ((double*)pointers[c])[i] = signal[i];
                        }
                    }
                    RunBlock(&data);
                }
                PassThrough(&data);
            }
            WarmUpSignal.MarkWarmed(plugins);
        }
        finally
        {
            NativeMemory.Free(samples);
            NativeMemory.Free(pointers);
            NativeMemory.Free(inputs);
            NativeMemory.Free(outputs);
        }
    }

    private void WithAudioHeldOff(Action action)
    {
        Interlocked.Exchange(ref _suspended, 1);
        var spin = new SpinWait();
        while (Volatile.Read(ref _inProcess) != 0)
        {
            spin.SpinOnce();
        }
        try
        {
            action();
        }
        finally
        {
            Volatile.Write(ref _suspended, 0);
        }
    }

    // ---- IEditController ----

    private int GetParameterInfo(int index, VstParameterInfo* info)
    {
        if ((uint)index >= (uint)_parameters.Count || info == null)
        {
            return VstResult.InvalidArgument;
        }
        var p = _parameters[index];
        info->Id = p.Id;
        VstText.Copy(p.Title, info->Title, 128);
        VstText.Copy(p.Title, info->ShortTitle, 128);
        VstText.Copy(p.Units, info->Units, 128);
        info->StepCount = p.StepCount;
        info->DefaultNormalizedValue = p.DefaultNormalized;
        info->UnitId = 0;
        info->Flags = p.IsReadOnly ? VstParameterInfo.FlagIsReadOnly : VstParameterInfo.FlagCanAutomate;
        return VstResult.Ok;
    }

    private int FindParameter(uint id)
    {
        var at = Array.BinarySearch(_sortedIds, id);
        return at < 0 ? -1 : _sortedIndexes[at];
    }

    private double GetParamNormalized(uint id)
    {
        var index = FindParameter(id);
        if (index < 0)
        {
            return 0;
        }
        var p = _parameters[index];
        return p.Role switch
        {
            ParameterRole.Input => _controllerValues[index],
            ParameterRole.Result => p.Index < _publishedResults.Length ? BridgeParameter.Squash(_publishedResults[p.Index]) : p.DefaultNormalized,
            _ => IsFaulted ? 1 : 0,
        };
    }

    private int SetParamNormalized(uint id, double value)
    {
        var index = FindParameter(id);
        if (index < 0 || !double.IsFinite(value))
        {
            return VstResult.InvalidArgument;
        }
        if (_parameters[index].Role == ParameterRole.Input)
        {
            _controllerValues[index] = Math.Clamp(value, 0, 1);
        }
        return VstResult.Ok;
    }

    private void SetHandler(void* handler)
    {
        if (handler != null)
        {
            HostInterfaces.AddRef(handler);
        }
        if (_handler != null)
        {
            HostInterfaces.Release(_handler);
        }
        _handler = handler;
    }

    private bool IsFaulted => _bridgeFailed || (_core?.IsFaulted ?? false);

    // ---- faults and diagnostics ----

    public void Tick()
    {
        void* handler = null;
        int restart;
        lock (_control)
        {
            if (_core is null)
            {
                return;
            }
            ReportNewFault();
            restart = _pendingRestart;
            _pendingRestart = 0;
            if (restart != 0 && _handler != null)
            {
                handler = _handler;
                HostInterfaces.AddRef(handler);
            }
        }
        if (handler != null)
        {
            // Outside the lock: the host answers a latency change by deactivating and reactivating the instance.
            HostInterfaces.RestartComponent(handler, restart);
            HostInterfaces.Release(handler);
        }
    }

    private void ReportNewFault()
    {
        if (_faultReported || !IsFaulted)
        {
            return;
        }
        _faultReported = true;
        var what = _bridgeFailed
            ? $"the bridge failed: {_bridgeFault?.GetType().Name}: {_bridgeFault?.Message}{Environment.NewLine}{_bridgeFault?.StackTrace}"
            : _core?.DescribeFault();
        BridgeLog.Error($"{Who}: {what}; its audio passes through unprocessed");
    }

    private void ReportAllocations()
    {
        if (AudioThreadAllocations.Enabled && _processCalls > 0)
        {
            BridgeLog.Info($"diagnostics: {Who}: {_processCalls} process calls, {_allocatedBytes} bytes allocated on the audio thread" +
                           (_allocatedBytes > 0 ? $" (first in call {_firstAllocatingCall} of {_firstAllocatingFrames} frames; {_allocatingCalls} allocating calls)" : "") +
                           $"; the host switched process threads {_threadSwitches} times; {_callsWithCollection} calls saw a collection");
            _processCalls = 0;
            _allocatedBytes = 0;
        }
    }
}
