using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using Auralis.Sdk;

namespace Auralis.Engine.Plugins;

/// <summary>
/// Loads one plugin folder in its own assembly load context that shares only the SDK with the host, checking every
/// step and turning each failure into a named <see cref="PluginError"/>.
/// </summary>
public static class PluginLoader
{
    /// <summary>The SDK assembly's simple name; the only assembly a plugin shares with the host.</summary>
    public const string SdkAssemblyName = "Auralis.Sdk";

    /// <summary>Loads the plugin in <paramref name="folder"/>. Thread: control.</summary>
    /// <exception cref="PluginLoadException">Any reason the plugin cannot be used, named.</exception>
    public static LoadedPlugin Load(string folder)
    {
        folder = Path.GetFullPath(folder);
        var manifest = PluginManifest.Load(folder);
        return Load(folder, manifest);
    }

    /// <summary>Loads the plugin in <paramref name="folder"/> whose manifest has already been read.</summary>
    public static LoadedPlugin Load(string folder, PluginManifest manifest)
    {
        var id = manifest.Id;
        var manifestPath = Path.Combine(folder, PluginManifest.FileName);

        // 1. SDK compatibility, decided from the manifest before any plugin code runs.
        var verdict = SdkInfo.CheckCompatibility(SdkInfo.Version, manifest.SdkVersion);
        if (!verdict.IsCompatible)
        {
            throw Fail(PluginErrorKind.IncompatibleSdk, id, manifestPath, verdict.Message,
                "install a build of the plugin made for this Auralis SDK, or a host that implements its SDK");
        }

        // 2. The entry assembly exists and references an SDK no newer than the manifest claims.
        var entryPath = Path.Combine(folder, manifest.EntryAssembly);
        if (!File.Exists(entryPath))
        {
            throw Fail(PluginErrorKind.EntryAssemblyMissing, id, entryPath, $"the entry assembly {manifest.EntryAssembly} is missing",
                "reinstall the plugin (its folder is incomplete)");
        }
        CheckReferencedSdk(id, entryPath, manifest);

        // 3. Declared native libraries load (from the plugin folder first, then the system).
        foreach (var native in manifest.NativeLibraries)
        {
            if (!TryLoadNative(folder, native, out var why))
            {
                throw Fail(PluginErrorKind.NativeDependencyMissing, id, Path.Combine(folder, native),
                    $"native library {native} cannot be loaded: {why}",
                    $"install the system package that provides {native} (e.g. with apt) or put it in the plugin folder");
            }
        }

        // 4. Load the assembly in its own context; only SDK types are shared with the host.
        Assembly assembly;
        try
        {
            assembly = new PluginLoadContext(id, entryPath).LoadFromAssemblyPath(entryPath);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException or InvalidOperationException)
        {
            throw Fail(PluginErrorKind.AssemblyLoadFailed, id, entryPath, $"{e.GetType().Name}: {e.Message}",
                "reinstall the plugin; its assembly or a dependency is damaged or missing", e);
        }

        // 5. Find the plugin type.
        var type = FindPluginType(id, entryPath, assembly, manifest.EntryType);

        // 6. Make a probe instance, read and cross-check its descriptor.
        var factory = LoadedPlugin.FactoryFor(type, id, entryPath);
        using (var probe = factory())
        {
            PluginDescriptor descriptor;
            try
            {
                descriptor = probe.Descriptor ?? throw new InvalidOperationException("Descriptor returned null");
            }
            catch (Exception e)
            {
                throw Fail(PluginErrorKind.DescriptorInvalid, id, entryPath,
                    $"reading the descriptor of {type.FullName} threw {e.GetType().Name}: {e.Message}", "report this to the plugin's vendor", e);
            }
            CheckDescriptorAgainstManifest(descriptor, manifest, entryPath);
            return new LoadedPlugin(folder, manifest, descriptor, type.FullName ?? type.Name, factory);
        }
    }

    private static void CheckReferencedSdk(string id, string entryPath, PluginManifest manifest)
    {
        Version? referenced = null;
        try
        {
            using var stream = File.OpenRead(entryPath);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                throw Fail(PluginErrorKind.AssemblyLoadFailed, id, entryPath, "the entry assembly is not a .NET assembly", "reinstall the plugin");
            }
            var md = pe.GetMetadataReader();
            foreach (var handle in md.AssemblyReferences)
            {
                var reference = md.GetAssemblyReference(handle);
                if (md.GetString(reference.Name) == SdkAssemblyName)
                {
                    referenced = reference.Version;
                }
            }
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException or IOException)
        {
            throw Fail(PluginErrorKind.AssemblyLoadFailed, id, entryPath, $"the entry assembly cannot be read: {e.Message}",
                "reinstall the plugin (the file is damaged)", e);
        }
        if (referenced is null)
        {
            throw Fail(PluginErrorKind.TypeNotFound, id, entryPath, $"the entry assembly does not reference {SdkAssemblyName}, so it contains no Auralis plugin",
                "point 'entry_assembly' at the assembly that implements IAudioPlugin");
        }
        if (referenced.Major != manifest.SdkVersion.Major || referenced.Minor != manifest.SdkVersion.Minor)
        {
            throw Fail(PluginErrorKind.IncompatibleSdk, id, entryPath,
                $"the manifest says SDK {manifest.SdkVersion} but the assembly was built against SDK {referenced.Major}.{referenced.Minor}",
                "rebuild the plugin so manifest and assembly agree");
        }
    }

    private static Type FindPluginType(string id, string entryPath, Assembly assembly, string? entryType)
    {
        Type[] types;
        try
        {
            types = assembly.GetExportedTypes();
        }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or FileLoadException or TypeLoadException)
        {
            var detail = e is ReflectionTypeLoadException r && r.LoaderExceptions.FirstOrDefault(x => x is not null) is { } first ? first.Message : e.Message;
            throw Fail(PluginErrorKind.AssemblyLoadFailed, id, entryPath, $"the plugin's types cannot be loaded: {detail}",
                "reinstall the plugin; a dependency it needs is missing from its folder", e);
        }
        var candidates = types.Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IAudioPlugin).IsAssignableFrom(t)).ToArray();
        if (entryType is not null)
        {
            return candidates.FirstOrDefault(t => t.FullName == entryType)
                ?? throw Fail(PluginErrorKind.TypeNotFound, id, entryPath,
                    $"'entry_type' {entryType} is not a public class implementing IAudioPlugin in {Path.GetFileName(entryPath)}",
                    "fix 'entry_type' in plugin.json");
        }
        return candidates.Length switch
        {
            1 => candidates[0],
            0 => throw Fail(PluginErrorKind.TypeNotFound, id, entryPath,
                $"{Path.GetFileName(entryPath)} has no public class implementing IAudioPlugin", "point 'entry_assembly' at the plugin's assembly"),
            _ => throw Fail(PluginErrorKind.TypeNotFound, id, entryPath,
                $"{Path.GetFileName(entryPath)} has {candidates.Length} plugin classes ({string.Join(", ", candidates.Select(c => c.FullName))})",
                "name one with 'entry_type' in plugin.json"),
        };
    }

    private static void CheckDescriptorAgainstManifest(PluginDescriptor d, PluginManifest m, string entryPath)
    {
        string? mismatch = null;
        if (d.Id != m.Id)
        {
            mismatch = $"the descriptor's id is '{d.Id}' but the manifest's is '{m.Id}'";
        }
        else if (d.Version != m.Version)
        {
            mismatch = $"the descriptor's version is {d.Version} but the manifest's is {m.Version}";
        }
        else if (d.SdkVersion != m.SdkVersion)
        {
            mismatch = $"the plugin was compiled against SDK {d.SdkVersion} but the manifest says {m.SdkVersion}";
        }
        if (mismatch is not null)
        {
            throw Fail(PluginErrorKind.DescriptorInvalid, m.Id, entryPath, mismatch, "rebuild the plugin so its manifest and descriptor agree");
        }
    }

    private static bool TryLoadNative(string folder, string name, out string why)
    {
        var local = Path.Combine(folder, name);
        if (File.Exists(local))
        {
            if (NativeLibrary.TryLoad(local, out _))
            {
                why = "";
                return true;
            }
            why = $"{local} exists but does not load (wrong architecture or its own dependencies are missing)";
            return false;
        }
        if (NativeLibrary.TryLoad(name, out _))
        {
            why = "";
            return true;
        }
        why = "not found in the plugin folder or the system library path";
        return false;
    }

    private static PluginLoadException Fail(PluginErrorKind kind, string id, string path, string reason, string fix, Exception? inner = null) =>
        new(new PluginError(kind, id, path, reason, fix), inner);
}
