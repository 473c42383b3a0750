using System.Reflection;
using Auralis.Engine.Graph;
using Auralis.Engine.Health;
using Auralis.Engine.Plugins;
using Auralis.Offline;
using Auralis.Offline.SndFile;
using Spectre.Console;

namespace Auralis.Cli;

/// <summary>What every command shares: output streams, the plugins directory and the error-to-exit-code mapping.</summary>
public sealed class CliHost
{
    private PluginCatalog? _catalog;

    /// <summary>Creates the host for one invocation.</summary>
    public CliHost(TextWriter output, TextWriter error, string? pluginsDir)
    {
        Out = output;
        Error = error;
        PluginsDirectoryPath = PluginsDirectory.Resolve(pluginsDir);
        // Progress and colour go to stderr, and only when it is a terminal: stdout stays clean for data.
        Status = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(error),
            Ansi = Console.IsErrorRedirected ? AnsiSupport.No : AnsiSupport.Detect,
            Interactive = Console.IsErrorRedirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
    }

    /// <summary>Data output (stdout).</summary>
    public TextWriter Out { get; }

    /// <summary>Messages and errors (stderr).</summary>
    public TextWriter Error { get; }

    /// <summary>Progress display on stderr.</summary>
    public IAnsiConsole Status { get; }

    /// <summary>True when progress bars should be drawn.</summary>
    public bool ShowProgress => !Console.IsErrorRedirected && Status.Profile.Capabilities.Interactive;

    /// <summary>The plugins directory in use.</summary>
    public string PluginsDirectoryPath { get; }

    /// <summary>The environment variable that turns out-of-process plugin scanning off (<c>off</c>).</summary>
    public const string ScanVariable = "AURALIS_PLUGIN_SCAN";

    /// <summary>The plugin catalog (read on first use). New or changed plugins are vetted in a child process first
    /// (see <see cref="Auralis.Engine.Scanning.PluginScanner"/>); ones that crash, hang or fail it are marked bad.</summary>
    public PluginCatalog Catalog
    {
        get
        {
            if (_catalog is null)
            {
                _catalog = PluginCatalog.Scan(PluginsDirectoryPath);
                if (Environment.GetEnvironmentVariable(ScanVariable) != "off")
                {
                    Auralis.Engine.Scanning.PluginScanner.Vet(_catalog, new Auralis.Engine.Scanning.ScanOptions
                    {
                        ExecutablePath = Environment.ProcessPath ?? Path.Combine(AppContext.BaseDirectory, "auralis"),
                        HostVersion = ProductVersion,
                    });
                }
            }
            return _catalog;
        }
    }

    /// <summary>The product version (from the assembly, set from Directory.Build.props).</summary>
    public static string ProductVersion
    {
        get
        {
            var v = typeof(CliHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            var plus = v.IndexOf('+');
            return plus < 0 ? v : v[..plus];
        }
    }

    /// <summary>The native libraries the host knows about.</summary>
    public static IReadOnlyList<NativeDependency> NativeDependencies { get; } =
    [
        SndFileLibrary.Dependency,
        VorbisDecoder.Codec,
        VorbisDecoder.Bridge,
        Auralis.Jack.JackLibrary.Dependency,
    ];

    /// <summary>Runs a command body, turning every known failure into its message and exit code.</summary>
    public int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (PluginLoadException e)
        {
            return Fail(ExitCodes.PluginUnavailable, e.Message);
        }
        catch (NativeDependencyException e)
        {
            return Fail(ExitCodes.NativeLibraryMissing, e.Message);
        }
        catch (AudioFileException e)
        {
            return Fail(e.IsOutput ? ExitCodes.OutputError : ExitCodes.InputError, e.Message);
        }
        catch (GraphException e)
        {
            return Fail(ExitCodes.GraphError, e.Message);
        }
        catch (PluginFailedException e)
        {
            return Fail(ExitCodes.Failed, e.Message);
        }
        catch (Auralis.Engine.Isolation.SandboxRequestException e)
        {
            return Fail(ExitCodes.PluginUnavailable, $"plugin sandbox: {e.Message}");
        }
        catch (UsageException e)
        {
            return Fail(ExitCodes.Usage, e.Message);
        }
        catch (InvalidDataException e)
        {
            return Fail(ExitCodes.Failed, e.Message);
        }
        catch (OperationCanceledException)
        {
            return Fail(ExitCodes.Interrupted, "interrupted");
        }
        catch (Exception e)
        {
            return Fail(ExitCodes.Failed, $"internal error: {e}");
        }
    }

    /// <summary>Prints <c>auralis: error: …</c> and returns <paramref name="code"/>.</summary>
    public int Fail(int code, string message)
    {
        Error.WriteLine($"auralis: error: {message}");
        return code;
    }

    /// <summary>A plugin sandbox whose children are this same executable (<c>auralis plugin-host</c>); nodes run in-process
    /// unless <paramref name="isolation"/> or the graph says otherwise. Dispose it after the graph that uses it.</summary>
    public static Auralis.Engine.Isolation.PluginSandbox CreateSandbox(string? isolation)
    {
        Auralis.Engine.Isolation.IsolationMode.TryParse(isolation ?? "in-process", out var mode);
        return new Auralis.Engine.Isolation.PluginSandbox(new Auralis.Engine.Isolation.SandboxOptions
        {
            ExecutablePath = Environment.ProcessPath ?? Path.Combine(AppContext.BaseDirectory, "auralis"),
            DefaultMode = mode,
        });
    }

    /// <summary>Resolves a plugin (named error when missing or broken).</summary>
    public LoadedPlugin Resolve(string idOrAlias) => Catalog.Resolve(idOrAlias);
}

/// <summary>A command-line mistake the parser could not catch (e.g. a malformed --param).</summary>
public sealed class UsageException(string message) : Exception(message);
