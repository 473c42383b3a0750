using Auralis.Engine.Graph;
using Auralis.Engine.Plugins;

namespace Auralis.Engine.Isolation;

/// <summary>How sandbox processes are started and watched.</summary>
public sealed record SandboxOptions
{
    /// <summary>The program that hosts plugins in a child process (the <c>auralis</c> executable by default).</summary>
    public string ExecutablePath { get; init; } = DefaultExecutable();

    /// <summary>Arguments before <c>--socket PATH</c>: the hidden subcommand.</summary>
    public IReadOnlyList<string> ChildArguments { get; init; } = [SandboxChild.CommandName];

    /// <summary>Where nodes run when the graph does not say: in-process unless asked otherwise.</summary>
    public IsolationMode DefaultMode { get; init; } = IsolationMode.Host;

    /// <summary>A child that has not answered a block for this long is declared hung, killed and restarted.</summary>
    public TimeSpan HangTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a child may take to start and connect.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a control request (create, reset, summarize) may take.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Restarts per child process before its nodes stay bypassed for the rest of the run.</summary>
    public int MaxRestarts { get; init; } = 3;

    private static string DefaultExecutable() =>
        Path.Combine(AppContext.BaseDirectory, "auralis");
}

/// <summary>
/// Runs plugins in child host processes so a crash (segfault, stack overflow, FailFast) or a hang cannot take the host
/// down. Give <see cref="Place"/> to <see cref="CompileSettings.PlacePlugin"/>: nodes whose isolation (from the graph,
/// else <see cref="SandboxOptions.DefaultMode"/>) is <c>process</c> get a proxy; the rest run in-process. Children start
/// on first use and end when the sandbox is disposed.
/// </summary>
/// <remarks>Thread: control. Audio flows through shared memory, never through this object.</remarks>
public sealed class PluginSandbox(SandboxOptions? options = null) : IDisposable
{
    private readonly Dictionary<string, SandboxProcess> _processes = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>The options in use.</summary>
    public SandboxOptions Options { get; } = options ?? new SandboxOptions();

    /// <summary>The plugin to instantiate for <paramref name="node"/>: a sandbox proxy, or <paramref name="plugin"/> itself.</summary>
    /// <exception cref="GraphException">The node's isolation value is not valid.</exception>
    /// <exception cref="PluginLoadException">The plugin cannot run in a sandbox (it is compiled into the host).</exception>
    public LoadedPlugin Place(GraphNode node, LoadedPlugin plugin)
    {
        var mode = Options.DefaultMode;
        if (node.Isolation is not null && !IsolationMode.TryParse(node.Isolation, out mode))
        {
            throw new GraphException(GraphErrorKind.Malformed, $"node '{node.Id}': isolation '{node.Isolation}' is not in-process, process or process:GROUP");
        }
        return mode.InProcess ? plugin : Isolate(plugin, mode.Group ?? $"node-{node.Id}");
    }

    /// <summary>Wraps <paramref name="plugin"/> so its instances run in the sandbox process of <paramref name="group"/>.</summary>
    public LoadedPlugin Isolate(LoadedPlugin plugin, string group)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (plugin.Manifest is null)
        {
            throw new PluginLoadException(new PluginError(PluginErrorKind.SandboxFailed, plugin.Id, plugin.Folder,
                "the plugin is compiled into the host, so it cannot be loaded in a sandbox process", "run it in-process"));
        }
        SandboxProcess process;
        lock (_processes)
        {
            if (!_processes.TryGetValue(group, out process!))
            {
                process = _processes[group] = new SandboxProcess(group, Options);
            }
        }
        return new LoadedPlugin(plugin.Folder, plugin.Manifest, plugin.Descriptor, plugin.TypeName, () => new SandboxedPlugin(process, plugin));
    }

    /// <summary>The child processes started so far: group, pid, restarts and restart times (diagnostics, tests, benchmarks).</summary>
    public IReadOnlyList<SandboxProcessInfo> Processes
    {
        get
        {
            lock (_processes)
            {
                return _processes.Values.Select(p => new SandboxProcessInfo(p.Group, p.ChildPid, p.Restarts, [.. p.RestartTimes])).ToList();
            }
        }
    }

    /// <summary>Ends every child process.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        lock (_processes)
        {
            foreach (var p in _processes.Values)
            {
                p.Dispose();
            }
            _processes.Clear();
        }
    }
}

/// <summary>A sandbox child process as seen from the host.</summary>
public sealed record SandboxProcessInfo(string Group, int Pid, int Restarts, IReadOnlyList<TimeSpan> RestartTimes);
