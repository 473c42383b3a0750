using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Auralis.Tests.Support;

namespace Auralis.Web.Tests.Support;

/// <summary>
/// The built <c>auralis serve</c> running as its own process on a free loopback port, with a private data directory;
/// stopped (SIGTERM, then killed) when disposed.
/// </summary>
public sealed partial class ServedApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServedApp(Process process, Uri address, string dataDirectory)
    {
        _process = process;
        Address = address;
        DataDirectory = dataDirectory;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(120) };
    }

    /// <summary>The page's address.</summary>
    public Uri Address { get; }

    /// <summary>The library database's folder.</summary>
    public string DataDirectory { get; }

    /// <summary>A client for the server.</summary>
    public HttpClient Http { get; }

    /// <summary>The server process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>What the server printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the server on <paramref name="libraries"/>; waits until it listens.</summary>
    /// <param name="launcher">A program and its arguments that run the server (e.g. in a private mount namespace).</param>
    public static async Task<ServedApp> StartAsync(IEnumerable<string> libraries, string dataDirectory, string? pluginsDirectory = null,
        IDictionary<string, string?>? environment = null, IEnumerable<string>? extraArguments = null, IReadOnlyList<string>? launcher = null)
    {
        var psi = new ProcessStartInfo(launcher?[0] ?? TestPaths.AuralisExe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (launcher is not null)
        {
            foreach (var a in launcher.Skip(1))
            {
                psi.ArgumentList.Add(a);
            }
            psi.ArgumentList.Add(TestPaths.AuralisExe);
        }
        psi.ArgumentList.Add("serve");
        foreach (var l in libraries)
        {
            psi.ArgumentList.Add("--library");
            psi.ArgumentList.Add(l);
        }
        psi.ArgumentList.Add("--port");
        psi.ArgumentList.Add("0");
        if (dataDirectory.Length > 0)
        {
            psi.ArgumentList.Add("--data-dir");
            psi.ArgumentList.Add(dataDirectory);
        }
        if (pluginsDirectory is not null)
        {
            psi.ArgumentList.Add("--plugins-dir");
            psi.ArgumentList.Add(pluginsDirectory);
        }
        foreach (var a in extraArguments ?? [])
        {
            psi.ArgumentList.Add(a);
        }
        CommandRunner.SetEnvironment(psi, environment);
        var process = Process.Start(psi)!;
        var output = new StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException($"auralis serve exited before listening:\n{Snapshot(output)}"));
                return;
            }
            Append(output, e.Data);
            const string marker = " at http://";
            var at = e.Data.IndexOf(marker, StringComparison.Ordinal);
            if (e.Data.StartsWith("auralis: serving", StringComparison.Ordinal) && at > 0)
            {
                listening.TrySetResult(new Uri(e.Data[(at + 4)..].Trim()));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Append(output, e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var started = await Task.WhenAny(listening.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        if (started != listening.Task)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"auralis serve did not start listening within 60 s:\n{Snapshot(output)}");
        }
        var app = new ServedApp(process, await listening.Task, dataDirectory);
        lock (app._output)
        {
            app._output.Append(Snapshot(output));
        }
        process.OutputDataReceived += (_, e) => Append(app._output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(app._output, e.Data);
        return app;
    }

    /// <summary>GET as JSON.</summary>
    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Waits until a scan has finished (at least <paramref name="scans"/> since start-up); returns the library.</summary>
    public async Task<JsonElement> WaitForScanAsync(int scans = 1)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var library = await GetJsonAsync("/api/library");
            var scan = library.GetProperty("scan");
            if (!scan.GetProperty("scanning").GetBoolean() && scan.GetProperty("scans").GetInt32() >= scans)
            {
                return library;
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"the library scan did not finish: {library}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>The id of the track whose file name is <paramref name="fileName"/>.</summary>
    public async Task<long> TrackIdAsync(string fileName)
    {
        var library = await GetJsonAsync("/api/library");
        foreach (var t in library.GetProperty("tracks").EnumerateArray())
        {
            if (t.GetProperty("file").GetString() == fileName)
            {
                return t.GetProperty("id").GetInt64();
            }
        }
        throw new InvalidOperationException($"{fileName} is not in the library: {library}");
    }

    /// <summary>Asks the server for a rescan.</summary>
    public async Task RescanAsync()
    {
        using var response = await Http.PostAsJsonAsync("/api/library/scan", new { });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Stops the server (SIGTERM first: it shuts down cleanly).</summary>
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _ = Signal(_process.Id, 15);
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Signal(int pid, int signal);

    private static void Append(StringBuilder b, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (b)
        {
            b.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder b)
    {
        lock (b)
        {
            return b.ToString();
        }
    }
}
