using System.Runtime.InteropServices;
using Auralis.Vst3.Abi;
using Auralis.Vst3.Diagnostics;

namespace Auralis.Vst3.Component;

// The C ABI: one [UnmanagedCallersOnly] function per vtable slot. Each finds its instance, calls the method of the
// same name and turns any exception into a reported failure and an error code, so none reaches the DAW.
internal sealed unsafe partial class AuralisComponent
{
    private static readonly nint ComponentVtable = Vtable(
        (nint)(delegate* unmanaged<void*, void*, int>)&InitializeEntry,
        (nint)(delegate* unmanaged<void*, int>)&TerminateEntry,
        (nint)(delegate* unmanaged<void*, Tuid*, int>)&GetControllerClassIdEntry,
        (nint)(delegate* unmanaged<void*, int, int>)&SetIoModeEntry,
        (nint)(delegate* unmanaged<void*, int, int, int>)&GetBusCountEntry,
        (nint)(delegate* unmanaged<void*, int, int, int, BusInfo*, int>)&GetBusInfoEntry,
        (nint)(delegate* unmanaged<void*, RoutingInfo*, RoutingInfo*, int>)&GetRoutingInfoEntry,
        (nint)(delegate* unmanaged<void*, int, int, int, byte, int>)&ActivateBusEntry,
        (nint)(delegate* unmanaged<void*, byte, int>)&SetActiveEntry,
        (nint)(delegate* unmanaged<void*, void*, int>)&SetStateEntry,
        (nint)(delegate* unmanaged<void*, void*, int>)&GetStateEntry);

    private static readonly nint ProcessorVtable = Vtable(
        (nint)(delegate* unmanaged<void*, ulong*, int, ulong*, int, int>)&SetBusArrangementsEntry,
        (nint)(delegate* unmanaged<void*, int, int, ulong*, int>)&GetBusArrangementEntry,
        (nint)(delegate* unmanaged<void*, int, int>)&CanProcessSampleSizeEntry,
        (nint)(delegate* unmanaged<void*, uint>)&GetLatencySamplesEntry,
        (nint)(delegate* unmanaged<void*, ProcessSetup*, int>)&SetupProcessingEntry,
        (nint)(delegate* unmanaged<void*, byte, int>)&SetProcessingEntry,
        (nint)(delegate* unmanaged<void*, ProcessData*, int>)&ProcessEntry,
        (nint)(delegate* unmanaged<void*, uint>)&GetTailSamplesEntry);

    private static readonly nint ControllerVtable = Vtable(
        (nint)(delegate* unmanaged<void*, void*, int>)&InitializeEntry,
        (nint)(delegate* unmanaged<void*, int>)&TerminateEntry,
        (nint)(delegate* unmanaged<void*, void*, int>)&SetComponentStateEntry,
        (nint)(delegate* unmanaged<void*, void*, int>)&SetControllerStateEntry,
        (nint)(delegate* unmanaged<void*, void*, int>)&GetControllerStateEntry,
        (nint)(delegate* unmanaged<void*, int>)&GetParameterCountEntry,
        (nint)(delegate* unmanaged<void*, int, VstParameterInfo*, int>)&GetParameterInfoEntry,
        (nint)(delegate* unmanaged<void*, uint, double, char*, int>)&GetParamStringByValueEntry,
        (nint)(delegate* unmanaged<void*, uint, char*, double*, int>)&GetParamValueByStringEntry,
        (nint)(delegate* unmanaged<void*, uint, double, double>)&NormalizedParamToPlainEntry,
        (nint)(delegate* unmanaged<void*, uint, double, double>)&PlainParamToNormalizedEntry,
        (nint)(delegate* unmanaged<void*, uint, double>)&GetParamNormalizedEntry,
        (nint)(delegate* unmanaged<void*, uint, double, int>)&SetParamNormalizedEntry,
        (nint)(delegate* unmanaged<void*, void*, int>)&SetComponentHandlerEntry,
        (nint)(delegate* unmanaged<void*, byte*, void*>)&CreateViewEntry);

    private static readonly nint ContextRequirementsVtable = Vtable(
        (nint)(delegate* unmanaged<void*, uint>)&GetProcessContextRequirementsEntry);

    private static AuralisComponent Of(void* self) =>
        From<AuralisComponent>(self) ?? throw new InvalidOperationException("the host passed a pointer that is not an Auralis instance");

    private static int Failed(string entry, Exception e)
    {
        BridgeLog.Failure(entry, e);
        return VstResult.InternalError;
    }

    // ---- IPluginBase / IComponent ----

    [UnmanagedCallersOnly]
    private static int InitializeEntry(void* self, void* context)
    {
        try
        {
            return Of(self).Initialize();
        }
        catch (Exception e)
        {
            return Failed("IPluginBase::initialize", e);
        }
    }

    [UnmanagedCallersOnly]
    private static int TerminateEntry(void* self)
    {
        try
        {
            return Of(self).Terminate();
        }
        catch (Exception e)
        {
            return Failed("IPluginBase::terminate", e);
        }
    }

    // One object is both component and controller: there is no separate controller class.
    [UnmanagedCallersOnly]
    private static int GetControllerClassIdEntry(void* self, Tuid* classId) => VstResult.False;

    [UnmanagedCallersOnly]
    private static int SetIoModeEntry(void* self, int mode) => VstResult.Ok;

    [UnmanagedCallersOnly]
    private static int GetBusCountEntry(void* self, int mediaType, int direction)
    {
        try
        {
            return Of(self).GetBusCount(mediaType, direction);
        }
        catch (Exception e)
        {
            Failed("IComponent::getBusCount", e);
            return 0;
        }
    }

    [UnmanagedCallersOnly]
    private static int GetBusInfoEntry(void* self, int mediaType, int direction, int index, BusInfo* info)
    {
        try
        {
            return Of(self).GetBusInfo(mediaType, direction, index, info);
        }
        catch (Exception e)
        {
            return Failed("IComponent::getBusInfo", e);
        }
    }

    [UnmanagedCallersOnly]
    private static int GetRoutingInfoEntry(void* self, RoutingInfo* input, RoutingInfo* output) => VstResult.NotImplemented;

    [UnmanagedCallersOnly]
    private static int ActivateBusEntry(void* self, int mediaType, int direction, int index, byte state)
    {
        try
        {
            return Of(self).ActivateBus(mediaType, direction, index, state != 0);
        }
        catch (Exception e)
        {
            return Failed("IComponent::activateBus", e);
        }
    }

    [UnmanagedCallersOnly]
    private static int SetActiveEntry(void* self, byte state)
    {
        try
        {
            return Of(self).SetActive(state != 0);
        }
        catch (Exception e)
        {
            return Failed("IComponent::setActive", e);
        }
    }

    [UnmanagedCallersOnly]
    private static int SetStateEntry(void* self, void* stream)
    {
        try
        {
            return Of(self).SetState(stream);
        }
        catch (Exception e)
        {
            return Failed("IComponent::setState", e);
        }
    }

    [UnmanagedCallersOnly]
    private static int GetStateEntry(void* self, void* stream)
    {
        try
        {
            return Of(self).GetState(stream);
        }
        catch (Exception e)
        {
            return Failed("IComponent::getState", e);
        }
    }

    // ---- IAudioProcessor ----

    [UnmanagedCallersOnly]
    private static int SetBusArrangementsEntry(void* self, ulong* inputs, int inputCount, ulong* outputs, int outputCount)
    {
        try
        {
            return Of(self).SetBusArrangements(inputs, inputCount, outputs, outputCount);
        }
        catch (Exception e)
        {
            return Failed("IAudioProcessor::setBusArrangements", e);
        }
    }

    [UnmanagedCallersOnly]
    private static int GetBusArrangementEntry(void* self, int direction, int index, ulong* arrangement)
    {
        try
        {
            return Of(self).GetBusArrangement(direction, index, arrangement);
        }
        catch (Exception e)
        {
            return Failed("IAudioProcessor::getBusArrangement", e);
        }
    }

    [UnmanagedCallersOnly]
    private static int CanProcessSampleSizeEntry(void* self, int sampleSize) =>
        sampleSize is Vst.Sample32 or Vst.Sample64 ? VstResult.True : VstResult.False;

    [UnmanagedCallersOnly]
    private static uint GetLatencySamplesEntry(void* self)
    {
        try
        {
            return (uint)(Of(self)._core?.LatencySamples ?? 0);
        }
        catch (Exception e)
        {
            Failed("IAudioProcessor::getLatencySamples", e);
            return 0;
        }
    }

    [UnmanagedCallersOnly]
    private static int SetupProcessingEntry(void* self, ProcessSetup* setup)
    {
        try
        {
            return Of(self).SetupProcessing(setup);
        }
        catch (Exception e)
        {
            return Failed("IAudioProcessor::setupProcessing", e);
        }
    }

    [UnmanagedCallersOnly]
    private static int SetProcessingEntry(void* self, byte state) => VstResult.Ok;

    [UnmanagedCallersOnly]
    private static int ProcessEntry(void* self, ProcessData* data)
    {
        // No logging here: this is the audio thread. Process contains its own failures; this catch is the last guard.
        try
        {
            return data == null ? VstResult.InvalidArgument : Of(self).Process(data);
        }
        catch (Exception)
        {
            return VstResult.InternalError;
        }
    }

    [UnmanagedCallersOnly]
    private static uint GetTailSamplesEntry(void* self)
    {
        try
        {
            return (uint)(Of(self)._core?.TailSamples ?? 0);
        }
        catch (Exception e)
        {
            Failed("IAudioProcessor::getTailSamples", e);
            return 0;
        }
    }

    // ---- IEditController ----

    // Component and controller are one object, so the component state is already applied.
    [UnmanagedCallersOnly]
    private static int SetComponentStateEntry(void* self, void* stream) => VstResult.Ok;

    // The controller has no state of its own (no editor): everything lives in the component state.
    [UnmanagedCallersOnly]
    private static int SetControllerStateEntry(void* self, void* stream) => VstResult.Ok;

    [UnmanagedCallersOnly]
    private static int GetControllerStateEntry(void* self, void* stream) => VstResult.Ok;

    [UnmanagedCallersOnly]
    private static int GetParameterCountEntry(void* self)
    {
        try
        {
            return Of(self)._parameters.Count;
        }
        catch (Exception e)
        {
            Failed("IEditController::getParameterCount", e);
            return 0;
        }
    }

    [UnmanagedCallersOnly]
    private static int GetParameterInfoEntry(void* self, int index, VstParameterInfo* info)
    {
        try
        {
            return Of(self).GetParameterInfo(index, info);
        }
        catch (Exception e)
        {
            return Failed("IEditController::getParameterInfo", e);
        }
    }

    [UnmanagedCallersOnly]
    private static int GetParamStringByValueEntry(void* self, uint id, double normalized, char* text)
    {
        try
        {
            var component = Of(self);
            var index = component.FindParameter(id);
            if (index < 0 || text == null)
            {
                return VstResult.InvalidArgument;
            }
            VstText.Copy(component._parameters[index].Format(normalized), text, 128);
            return VstResult.Ok;
        }
        catch (Exception e)
        {
            return Failed("IEditController::getParamStringByValue", e);
        }
    }

    [UnmanagedCallersOnly]
    private static int GetParamValueByStringEntry(void* self, uint id, char* text, double* normalized)
    {
        try
        {
            var component = Of(self);
            var index = component.FindParameter(id);
            if (index < 0 || text == null || normalized == null)
            {
                return VstResult.InvalidArgument;
            }
            return component._parameters[index].TryParse(VstText.Read(text, 128), out *normalized) ? VstResult.Ok : VstResult.False;
        }
        catch (Exception e)
        {
            return Failed("IEditController::getParamValueByString", e);
        }
    }

    [UnmanagedCallersOnly]
    private static double NormalizedParamToPlainEntry(void* self, uint id, double normalized)
    {
        try
        {
            var component = Of(self);
            var index = component.FindParameter(id);
            return index < 0 ? normalized : component._parameters[index].ToPlain(normalized);
        }
        catch (Exception e)
        {
            Failed("IEditController::normalizedParamToPlain", e);
            return normalized;
        }
    }

    [UnmanagedCallersOnly]
    private static double PlainParamToNormalizedEntry(void* self, uint id, double plain)
    {
        try
        {
            var component = Of(self);
            var index = component.FindParameter(id);
            return index < 0 ? plain : component._parameters[index].ToNormalized(plain);
        }
        catch (Exception e)
        {
            Failed("IEditController::plainParamToNormalized", e);
            return plain;
        }
    }

    [UnmanagedCallersOnly]
    private static double GetParamNormalizedEntry(void* self, uint id)
    {
        try
        {
            return Of(self).GetParamNormalized(id);
        }
        catch (Exception e)
        {
            Failed("IEditController::getParamNormalized", e);
            return 0;
        }
    }

    [UnmanagedCallersOnly]
    private static int SetParamNormalizedEntry(void* self, uint id, double normalized)
    {
        try
        {
            return Of(self).SetParamNormalized(id, normalized);
        }
        catch (Exception e)
        {
            return Failed("IEditController::setParamNormalized", e);
        }
    }

    [UnmanagedCallersOnly]
    private static int SetComponentHandlerEntry(void* self, void* handler)
    {
        try
        {
            var component = Of(self);
            lock (component._control)
            {
                component.SetHandler(handler);
            }
            return VstResult.Ok;
        }
        catch (Exception e)
        {
            return Failed("IEditController::setComponentHandler", e);
        }
    }

    // No custom editor: the DAW shows its generic one.
    [UnmanagedCallersOnly]
    private static void* CreateViewEntry(void* self, byte* name) => null;

    // ---- IProcessContextRequirements ----

    // Auralis plugins need no transport or tempo information.
    [UnmanagedCallersOnly]
    private static uint GetProcessContextRequirementsEntry(void* self) => 0;
}
