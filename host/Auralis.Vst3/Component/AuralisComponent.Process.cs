using Auralis.Vst3.Abi;
using Auralis.Vst3.Diagnostics;
using Auralis.Vst3.Processing;

namespace Auralis.Vst3.Component;

// IAudioProcessor::process: the audio thread. Nothing here allocates, locks, logs or lets an exception out.
internal sealed unsafe partial class AuralisComponent
{
    private int Process(ProcessData* data)
    {
        Interlocked.Exchange(ref _inProcess, 1);
        try
        {
            var before = AudioThreadAllocations.Enabled ? GC.GetAllocatedBytesForCurrentThread() : 0;
            var collectionsBefore = AudioThreadAllocations.Enabled ? GC.CollectionCount(0) : 0;
            if (!_active || _bridgeFailed || Volatile.Read(ref _suspended) != 0)
            {
                PassThrough(data);
            }
            else
            {
                RunBlock(data);
            }
            if (AudioThreadAllocations.Enabled)
            {
                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (GC.CollectionCount(0) != collectionsBefore)
                {
                    _callsWithCollection++;
                }
                if (allocated > 0)
                {
                    if (_allocatedBytes == 0)
                    {
                        _firstAllocatingCall = _processCalls + 1;
                        _firstAllocatingFrames = data->NumSamples;
                    }
                    _allocatingCalls++;
                }
                var thread = Environment.CurrentManagedThreadId;
                if (thread != _lastProcessThread)
                {
                    _threadSwitches += _lastProcessThread == 0 ? 0 : 1;
                    _lastProcessThread = thread;
                }
                _allocatedBytes += allocated;
                _processCalls++;
            }
            return VstResult.Ok;
        }
        catch (Exception e)
        {
            // A bug in the bridge itself: stop processing for good, keep the audio flowing, let the reporter tell.
            _bridgeFault = e;
            _bridgeFailed = true;
            try
            {
                PassThrough(data);
            }
            catch (Exception)
            {
                // Nothing more can be done on this thread; the fault is already recorded.
            }
            return VstResult.Ok;
        }
        finally
        {
            Volatile.Write(ref _inProcess, 0);
        }
    }

    private void RunBlock(ProcessData* data)
    {
        var core = _core!;
        ApplyParameterChanges(data->InputParameterChanges);
        var frames = data->NumSamples;
        var wide = data->SymbolicSampleSize == Vst.Sample64;
        for (var offset = 0; offset < frames; offset += _maxBlockSize)
        {
            var count = Math.Min(_maxBlockSize, frames - offset);
            CopyIn(core, data, offset, count, wide, _inactiveInputs);
            core.Render(count);
            CopyOut(core, data, offset, count, wide, _inactiveOutputs);
        }
        PublishOutputParameters(core, data->OutputParameterChanges);
    }

    private void ApplyParameterChanges(void* changes)
    {
        if (changes == null)
        {
            return;
        }
        var count = HostInterfaces.ChangedParameterCount(changes);
        for (var i = 0; i < count; i++)
        {
            var queue = HostInterfaces.ChangedParameter(changes, i);
            if (queue == null)
            {
                continue;
            }
            var points = HostInterfaces.QueuePointCount(queue);
            var index = FindParameter(HostInterfaces.QueueParameterId(queue));
            if (points <= 0 || index < 0 || _parameters[index] is not { Role: ParameterRole.Input } parameter)
            {
                continue;
            }
            // Auralis applies parameter changes at block boundaries: the block takes the last value the host sent.
            int offset;
            double value;
            if (HostInterfaces.QueuePoint(queue, points - 1, &offset, &value) == VstResult.Ok && double.IsFinite(value))
            {
                _core!.SetParameter(parameter.Index, parameter.Info!.FromNormalized(value));
            }
        }
    }

    private static void CopyIn(BridgedProcessor core, ProcessData* data, int offset, int frames, bool wide, ulong inactive)
    {
        var buses = core.Buses.Inputs;
        var channel = 0;
        for (var b = 0; b < buses.Count; b++)
        {
            var host = b < data->NumInputs && data->Inputs != null && !IsInactive(inactive, b) ? &data->Inputs[b] : null;
            for (var k = 0; k < buses[b].Channels; k++, channel++)
            {
                var destination = core.Input(channel)[..frames];
                var source = host != null && k < host->NumChannels && host->ChannelBuffers != null ? host->ChannelBuffers[k] : null;
                if (source == null)
                {
                    destination.Clear();
                }
                else if (wide)
                {
                    var samples = (double*)source + offset;
                    for (var i = 0; i < frames; i++)
                    {
                        destination[i] = (float)samples[i];
                    }
                }
                else
                {
                    new ReadOnlySpan<float>((float*)source + offset, frames).CopyTo(destination);
                }
            }
        }
    }

    private static void CopyOut(BridgedProcessor core, ProcessData* data, int offset, int frames, bool wide, ulong inactive)
    {
        var buses = core.Buses.Outputs;
        var channel = 0;
        for (var b = 0; b < data->NumOutputs && data->Outputs != null; b++)
        {
            var host = &data->Outputs[b];
            var ours = b < buses.Count ? buses[b].Channels : 0;
            if (IsInactive(inactive, b))
            {
                channel += ours;
                continue;
            }
            host->SilenceFlags = 0;
            for (var k = 0; k < host->NumChannels && host->ChannelBuffers != null; k++)
            {
                var destination = host->ChannelBuffers[k];
                if (destination == null)
                {
                    continue;
                }
                // Channels the host has beyond ours (a bus it sized differently) get silence, never stale samples.
                var source = k < ours ? core.Output(channel + k)[..frames] : default;
                if (wide)
                {
                    var samples = (double*)destination + offset;
                    for (var i = 0; i < frames; i++)
                    {
                        samples[i] = k < ours ? source[i] : 0;
                    }
                }
                else if (k < ours)
                {
                    source.CopyTo(new Span<float>((float*)destination + offset, frames));
                }
                else
                {
                    new Span<float>((float*)destination + offset, frames).Clear();
                }
            }
            channel += ours;
        }
    }

    // Analyzer results and the fault indicator go back to the host as read-only parameters, only when they change.
    private void PublishOutputParameters(BridgedProcessor core, void* changes)
    {
        if (changes == null)
        {
            return;
        }
        var results = core.Results;
        for (var i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i];
            double value;
            if (p.Role == ParameterRole.Result && p.Index < results.Length && results[p.Index] != _publishedResults[p.Index])
            {
                _publishedResults[p.Index] = results[p.Index];
                value = BridgeParameter.Squash(results[p.Index]);
            }
            else if (p.Role == ParameterRole.Fault && !_faultPublished && IsFaulted)
            {
                _faultPublished = true;
                value = 1;
            }
            else
            {
                continue;
            }
            var id = p.Id;
            int queueIndex, pointIndex;
            var queue = HostInterfaces.AddChangedParameter(changes, &id, &queueIndex);
            if (queue != null)
            {
                HostInterfaces.AddQueuePoint(queue, 0, value, &pointIndex);
            }
        }
    }

    private static bool IsInactive(ulong inactive, int bus) => bus < 64 && (inactive & (1UL << bus)) != 0;

    // The safe fallback: main input to main output, everything else silent. Uses the host's buffers only.
    private void PassThrough(ProcessData* data)
    {
        if (data == null || data->Outputs == null)
        {
            return;
        }
        var frames = data->NumSamples;
        var wide = data->SymbolicSampleSize == Vst.Sample64;
        var input = data->NumInputs > 0 && data->Inputs != null && !IsInactive(_inactiveInputs, 0) ? &data->Inputs[0] : null;
        var inactive = _inactiveOutputs;
        for (var b = 0; b < data->NumOutputs; b++)
        {
            if (IsInactive(inactive, b))
            {
                continue;
            }
            var output = &data->Outputs[b];
            for (var k = 0; k < output->NumChannels && output->ChannelBuffers != null; k++)
            {
                var destination = output->ChannelBuffers[k];
                if (destination == null)
                {
                    continue;
                }
                var source = b == 0 && input != null && input->ChannelBuffers != null && input->NumChannels > 0
                    ? input->ChannelBuffers[Math.Min(k, input->NumChannels - 1)] : null;
                var bytes = (long)frames * (wide ? sizeof(double) : sizeof(float));
                if (source == null)
                {
                    new Span<byte>(destination, (int)bytes).Clear();
                }
                else if (source != destination)
                {
                    Buffer.MemoryCopy(source, destination, bytes, bytes);
                }
            }
        }
    }
}
