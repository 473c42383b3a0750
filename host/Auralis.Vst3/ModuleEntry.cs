using System.Runtime.InteropServices;
using Auralis.Vst3.Classes;
using Auralis.Vst3.Component;
using Auralis.Vst3.Diagnostics;

namespace Auralis.Vst3;

/// <summary>
/// Where the native shim (Auralis.so) hands over once it has started .NET: <see cref="GetPluginFactory"/> is the
/// managed side of the VST3 module entry point of the same name.
/// </summary>
public static unsafe class ModuleEntry
{
    private static readonly Lock Gate = new();
    private static PluginFactory? _factory;

    /// <summary>
    /// Returns the module's IPluginFactory3 with a reference for the caller, creating it (and scanning the plugin
    /// folders) on the first call; null when that failed (the reason is reported).
    /// </summary>
    [UnmanagedCallersOnly]
    public static void* GetPluginFactory()
    {
        try
        {
            lock (Gate)
            {
                if (_factory is null)
                {
                    // Contents/Resources/bridge/Auralis.Vst3.dll -> Contents/Resources
                    var bridge = Path.GetDirectoryName(typeof(ModuleEntry).Assembly.Location)!;
                    // Started by a native host, the runtime has no application base directory; the engine locates its
                    // files from it, so it is the bridge's folder (only when no .NET application set one).
                    if (string.IsNullOrEmpty(AppContext.BaseDirectory))
                    {
                        AppContext.SetData("APP_CONTEXT_BASE_DIRECTORY", bridge + Path.DirectorySeparatorChar);
                    }
                    // The factory keeps one reference of its own for the life of the process.
                    _factory = new PluginFactory(ClassRegistry.Load(Path.GetDirectoryName(bridge)!));
                }
                _factory.AddRef();
                return _factory.Pointer;
            }
        }
        catch (Exception e)
        {
            BridgeLog.Failure("GetPluginFactory", e);
            return null;
        }
    }
}
