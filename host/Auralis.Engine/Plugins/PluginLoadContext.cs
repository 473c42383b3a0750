using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Auralis.Engine.Plugins;

/// <summary>
/// The assembly load context of one plugin: its own assemblies and native libraries come from its folder (as its
/// deps.json resolves them, else by file name in the folder); the SDK comes from the host, so the plugin's
/// <c>IAudioPlugin</c> is the host's; everything else the plugin does not ship falls back to the host's framework.
/// </summary>
/// <remarks>
/// The runtime's <see cref="AssemblyDependencyResolver"/> reads deps.json natively. McMaster.NETCore.Plugins, used
/// before, read each plugin's runtimeconfig with reflection-based JSON: ~70 ms of every run's start-up went to
/// JIT-compiling serializer code for a file whose probing paths a self-contained host never uses.
/// </remarks>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private readonly string _folder;
    private readonly AssemblyDependencyResolver? _resolver;

    /// <exception cref="InvalidOperationException">The plugin's deps.json cannot be read.</exception>
    public PluginLoadContext(string id, string entryPath) : base($"plugin {id}")
    {
        _folder = Path.GetDirectoryName(entryPath)!;
        // Without a deps.json (a plugin copied by hand) the folder alone is the plugin's probing path.
        _resolver = File.Exists(Path.ChangeExtension(entryPath, ".deps.json")) ? new AssemblyDependencyResolver(entryPath) : null;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name == PluginLoader.SdkAssemblyName)
        {
            // The host's own copy, wherever the host was loaded: in the VST3 bridge that is the component context
            // hostfxr made for it, not the default one. Shared types are what make the plugin usable.
            return typeof(Auralis.Sdk.IAudioPlugin).Assembly;
        }
        var path = _resolver?.ResolveAssemblyToPath(assemblyName);
        if (path is null && assemblyName.Name is { } name)
        {
            var local = Path.Combine(_folder, name + ".dll");
            path = File.Exists(local) ? local : null;
        }
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver?.ResolveUnmanagedDllToPath(unmanagedDllName);
        if (path is null)
        {
            foreach (var candidate in new[] { unmanagedDllName, $"lib{unmanagedDllName}", $"{unmanagedDllName}.so", $"lib{unmanagedDllName}.so" })
            {
                var local = Path.Combine(_folder, candidate);
                if (File.Exists(local))
                {
                    path = local;
                    break;
                }
            }
        }
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
