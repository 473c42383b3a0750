using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using Auralis.Web;
using Auralis.Web.Library;

namespace Auralis.Cli.Commands;

/// <summary>
/// <c>auralis serve [--library DIR]... [--port N] [--address ADDR] [--data-dir DIR] [--open]</c>: the local web player.
/// Listens on 127.0.0.1 unless another address is asked for explicitly (then it warns).
/// </summary>
public static class ServeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Func<ParseResult, CliHost> host)
    {
        var library = new Option<string[]>("--library")
        {
            Description = "A music folder to serve (repeat for more)",
            AllowMultipleArgumentsPerToken = false,
            Required = true,
        };
        var port = new Option<int>("--port") { Description = "Port to listen on (0: any free port)", DefaultValueFactory = _ => WebServerOptions.DefaultPort };
        var address = new Option<string>("--address")
        {
            Description = "Address to listen on (default 127.0.0.1; anything else exposes the library to the network)",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var dataDir = new Option<string?>("--data-dir") { Description = "Where the library database lives (default: $XDG_DATA_HOME/auralis or ~/.local/share/auralis)" };
        var open = new Option<bool>("--open") { Description = "Open the page in the default browser" };
        var isolation = ProcessCommand.IsolationOption();
        var command = new Command("serve", "Serve a local web player for your music, with Enhanced streaming and analysis plots")
        {
            library, port, address, dataDir, open, isolation,
        };
        command.SetAction(r => Run(host(r), r.GetValue(library)!, r.GetValue(port), r.GetValue(address)!, r.GetValue(dataDir), r.GetValue(open),
            r.GetValue(isolation)));
        return command;
    }

    private static int Run(CliHost h, string[] libraries, int port, string addressText, string? dataDir, bool open, string? isolation) => h.Run(() =>
    {
        if (port is < 0 or > 65535)
        {
            throw new UsageException($"--port {port} is not a port (0..65535)");
        }
        if (!IPAddress.TryParse(addressText, out var address))
        {
            throw new UsageException($"--address '{addressText}' is not an IP address (e.g. 127.0.0.1)");
        }
        if (!IPAddress.IsLoopback(address))
        {
            h.Error.WriteLine($"auralis: warning: listening on {address}, not 127.0.0.1: anyone who can reach this machine can browse and play your library");
        }

        // Problems doctor finds are shown now and on the page; the requests that need a missing piece fail by name.
        var checks = Health(h);
        foreach (var c in checks.Where(c => c.Status == "fail"))
        {
            h.Error.WriteLine($"auralis: warning: {c.Area} {c.Name}: {c.Detail}{(c.Path is null ? "" : $" [{c.Path}]")}{(c.Fix is null ? "" : $" Fix: {c.Fix}")}");
        }

        // Chains rendered for streams run their plugins where --isolation says (a crash then fails one chunk, not the server).
        using var sandbox = CliHost.CreateSandbox(isolation);
        WebServer server;
        try
        {
            server = WebServer.StartAsync(new WebServerOptions
            {
                Libraries = libraries,
                DataDirectory = Path.GetFullPath(dataDir ?? LibraryDatabase.DefaultDataDirectory()),
                Catalog = h.Catalog,
                PlacePlugin = sandbox.Place,
                Health = () => Health(h),
                Address = address,
                Port = port,
            }).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return h.Fail(e is DirectoryNotFoundException ? ExitCodes.InputError : ExitCodes.Failed, e.Message);
        }

        h.Out.WriteLine($"auralis: serving {libraries.Length} library folder{(libraries.Length == 1 ? "" : "s")} at {server.Address}");
        h.Out.WriteLine($"auralis: library database {server.Database.Path}");
        h.Out.WriteLine("auralis: press Ctrl+C to stop");
        h.Out.Flush();
        if (open)
        {
            OpenBrowser(h, server.Address);
        }
        // Ctrl+C and SIGTERM (systemd, kill) stop the server cleanly: requests finish, the database closes.
        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.Cancel();
        }
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        server.RunUntilAsync(stop.Token).GetAwaiter().GetResult();
        h.Error.WriteLine("auralis: stopped");
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return ExitCodes.Ok;
    });

    private static IReadOnlyList<HealthCheck> Health(CliHost h) =>
        DoctorCommand.Examine(h).Select(c => new HealthCheck(c.Area, c.Name, c.Status, c.Detail, c.Path, c.Fix)).ToList();

    private static void OpenBrowser(CliHost h, Uri address)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("xdg-open") { ArgumentList = { address.ToString() }, UseShellExecute = false });
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            h.Error.WriteLine($"auralis: warning: cannot open a browser (xdg-open: {e.Message}); open {address} yourself");
        }
    }
}
