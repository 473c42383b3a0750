using Auralis.Sdk;

namespace Auralis.Engine.Plugins;

/// <summary>A plugin whose folder, manifest, assembly and descriptor all checked out; makes instances on demand.</summary>
public sealed class LoadedPlugin
{
    private readonly Func<IAudioPlugin> _factory;

    internal LoadedPlugin(string folder, PluginManifest? manifest, PluginDescriptor descriptor, string typeName, Func<IAudioPlugin> factory)
    {
        Folder = folder;
        Manifest = manifest;
        Descriptor = descriptor;
        TypeName = typeName;
        _factory = factory;
    }

    /// <summary>
    /// Wraps a plugin type that is compiled into the host process (tests, host-internal utilities) rather than loaded
    /// from a plugins folder. Its descriptor is read from a probe instance, as for folder plugins.
    /// </summary>
    public static LoadedPlugin FromType<T>() where T : IAudioPlugin, new()
    {
        using var probe = new T();
        return new LoadedPlugin(AppContext.BaseDirectory, null, probe.Descriptor, typeof(T).FullName ?? typeof(T).Name, () => new T());
    }

    /// <summary>The plugin's folder (for in-process plugins, the host's).</summary>
    public string Folder { get; }

    /// <summary>Its manifest; null for in-process plugins.</summary>
    public PluginManifest? Manifest { get; }

    /// <summary>Its descriptor (read once from a probe instance at load time).</summary>
    public PluginDescriptor Descriptor { get; }

    /// <summary>The plugin's stable id.</summary>
    public string Id => Descriptor.Id;

    /// <summary>The plugin type's full name, for diagnostics.</summary>
    public string TypeName { get; }

    /// <summary>Creates a new, uninitialised instance. Thread: control.</summary>
    /// <exception cref="PluginLoadException">The constructor threw (named <see cref="PluginErrorKind.ConstructorFailed"/>).</exception>
    public IAudioPlugin CreateInstance()
    {
        try
        {
            return _factory();
        }
        catch (PluginLoadException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new PluginLoadException(new PluginError(PluginErrorKind.ConstructorFailed, Id, Folder,
                $"creating {TypeName} threw {e.GetType().Name}: {e.Message}", "report this to the plugin's vendor"), e);
        }
    }

    /// <summary>Wraps a type found in a plugin assembly; constructor failures become named errors.</summary>
    internal static Func<IAudioPlugin> FactoryFor(Type type, string id, string path) => () =>
    {
        try
        {
            return (IAudioPlugin)Activator.CreateInstance(type)!;
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new PluginLoadException(new PluginError(PluginErrorKind.ConstructorFailed, id, path,
                $"the constructor of {type.FullName} threw {e.InnerException.GetType().Name}: {e.InnerException.Message}",
                "report this to the plugin's vendor"), e.InnerException);
        }
        catch (Exception e) when (e is MissingMethodException or MemberAccessException or InvalidCastException)
        {
            throw new PluginLoadException(new PluginError(PluginErrorKind.ConstructorFailed, id, path,
                $"{type.FullName} cannot be created: {e.Message}", "give the plugin type a public parameterless constructor"), e);
        }
    };
}
