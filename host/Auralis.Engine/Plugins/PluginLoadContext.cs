using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Auralis.Engine.Plugins;

/// <summary>
/// The assembly load context of one plugin: its own assemblies and native libraries come from its folder (as its
/// deps.json resolves them, else by file name in the folder); the SDK comes from the host, so the plugin's
/// <c>IAudioPlugin</c> is the host's; the DSP layer is shared with other plugins carrying the same build
/// (<see cref="SharedLibraries"/>); everything else the plugin does not ship falls back to the host's framework.
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
        if (path is null)
        {
            return null;
        }
        return SharedLibraries.Eligible(assemblyName) && SharedLibraries.TryShare(path) is { } shared ? shared : LoadFromAssemblyPath(path);
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

/// <summary>
/// The DSP layer every built-in analyzer is built on (Auralis.Dsp): loaded once per process when plugins carry the
/// very same build — same assembly name and module version id — in one context of its own. A plugin carrying another
/// build of it gets that build in its own context, like any other dependency. The library is stateless (no mutable
/// statics), so sharing shares compiled code only: with every analyzer in one
/// graph the DSP layer was JIT-compiled five times, ~0.2 s of a run. No other dependency is shared: two plugins'
/// copies of an arbitrary library may keep global state, and side-by-side versions must stay apart.
/// </summary>
internal static class SharedLibraries
{
    private static readonly string[] Names = ["Auralis.Dsp"];
    private static readonly Dictionary<string, (Guid Mvid, Assembly Assembly)> Loaded = [];
    private static readonly List<string> Folders = [];
    private static readonly AssemblyLoadContext Context = new SharedContext();

    /// <summary>Whether <paramref name="name"/> is one of the shared libraries.</summary>
    public static bool Eligible(AssemblyName name) => Array.IndexOf(Names, name.Name) >= 0;

    /// <summary>
    /// The shared copy of the build at <paramref name="path"/>, loading it on first use; null when another build of
    /// the library is the shared one (one context holds one assembly per name), so the caller loads its own.
    /// </summary>
    public static Assembly? TryShare(string path)
    {
        var (name, mvid) = Identity(path);
        lock (Loaded)
        {
            if (Loaded.TryGetValue(name, out var shared))
            {
                return shared.Mvid == mvid ? shared.Assembly : null;
            }
            var assembly = Context.LoadFromAssemblyPath(path);
            Loaded[name] = (mvid, assembly);
            var folder = Path.GetDirectoryName(path)!;
            if (!Folders.Contains(folder))
            {
                Folders.Add(folder);
            }
            return assembly;
        }
    }

    private static (string Name, Guid Mvid) Identity(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var module = reader.GetModuleDefinition();
        return (reader.GetString(reader.GetAssemblyDefinition().Name), reader.GetGuid(module.Mvid));
    }

    // What a shared library references: the SDK is the host's; the other shared library comes from beside the one
    // that asks (they ship side by side in a plugin's folder); everything else is the host's framework.
    private sealed class SharedContext() : AssemblyLoadContext("shared plugin libraries")
    {
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name == PluginLoader.SdkAssemblyName)
            {
                return typeof(Auralis.Sdk.IAudioPlugin).Assembly;
            }
            if (!Eligible(assemblyName))
            {
                return null;
            }
            string[] folders;
            lock (Loaded)
            {
                folders = [.. Folders];
            }
            foreach (var folder in folders)
            {
                var candidate = Path.Combine(folder, assemblyName.Name + ".dll");
                if (File.Exists(candidate) && TryShare(candidate) is { } shared)
                {
                    return shared;
                }
            }
            return null;
        }
    }
}
