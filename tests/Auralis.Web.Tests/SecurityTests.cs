using System.Net.Sockets;
using System.Text;
using Auralis.Tests.Support;
using Auralis.Web.Tests.Support;

namespace Auralis.Web.Tests;

/// <summary>Only library tracks, by id: traversal, links out of the library, other hosts and addresses are refused.</summary>
public sealed class SecurityTests
{
    private const string Secret = "root:x:0:0:SECRET-MARKER";

    [Fact]
    public async Task Traversal_links_out_of_the_library_and_foreign_hosts_are_refused()
    {
        using var t = new TempDir();
        var library = TestLibrary.Create(t.File("music"));
        var outside = Directory.CreateDirectory(t.File("outside")).FullName;
        File.WriteAllText(Path.Combine(outside, "passwd"), Secret);
        TestAudio.Write(Path.Combine(outside, "private.wav"), [TestAudio.Sine(4800, 440, 48000)], 48000);
        File.CreateSymbolicLink(Path.Combine(library, "escape.wav"), Path.Combine(outside, "private.wav"));
        Directory.CreateSymbolicLink(Path.Combine(library, "linked-dir"), outside);

        await using var app = await ServedApp.StartAsync([library], t.File("data"));
        var listing = await app.WaitForScanAsync();
        var files = listing.GetProperty("tracks").EnumerateArray().Select(e => e.GetProperty("file").GetString()!).Order().ToArray();
        Assert.Equal([TestLibrary.Broken, TestLibrary.Demo, TestLibrary.Steady], files); // links that lead out are not the library

        var steady = await app.TrackIdAsync(TestLibrary.Steady);
        string[] attempts =
        [
            "/../../../../etc/passwd",
            "/..%2f..%2f..%2f..%2fetc%2fpasswd",
            "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
            "/app.js/../../../../etc/passwd",
            "/style.css%00/../../etc/passwd",
            $"/api/tracks/{steady}/../../../../{outside.TrimStart('/')}/passwd",
            "/api/tracks/..%2f..%2f..%2fetc%2fpasswd/chunks/original/0",
            $"/api/tracks/{steady}/chunks/..%2f..%2f..%2f{Uri.EscapeDataString(outside)}%2fprivate.wav/0",
            $"/api/tracks/{steady}/chunks/original/..%2f..%2fpasswd",
            "/api/tracks/999999/chunks/original/0",
            "/api/tracks/-1/chunks/original/0",
            $"/api/tracks/{Uri.EscapeDataString(Path.Combine(outside, "private.wav"))}/chunks/original/0",
            "/wwwroot/index.html",
            "/auralis.config.json",
            "/plugins/enhancer/plugin.json",
            $"/{outside.TrimStart('/')}/passwd",
            "file:///etc/passwd",
            $"http://127.0.0.1:{app.Address.Port}/../../{outside.TrimStart('/')}/passwd",
        ];
        foreach (var target in attempts)
        {
            var (status, body) = await RawGetAsync(app.Address.Port, target);
            Assert.True(status is 400 or 404, $"GET {target} answered {status}: {body[..Math.Min(200, body.Length)]}");
            Assert.DoesNotContain("SECRET-MARKER", body);
            Assert.DoesNotContain("RIFF", body);
        }

        // A library file replaced by a link to the outside after the scan is no longer served.
        var (okStatus, _) = await RawGetAsync(app.Address.Port, $"/api/tracks/{steady}/chunks/original/0");
        Assert.Equal(200, okStatus);
        var path = Path.Combine(library, TestLibrary.Steady);
        File.Delete(path);
        File.CreateSymbolicLink(path, Path.Combine(outside, "private.wav"));
        var (swapped, swappedBody) = await RawGetAsync(app.Address.Port, $"/api/tracks/{steady}/chunks/original/1");
        Assert.Equal(404, swapped);
        Assert.Contains("not-in-library", swappedBody);

        // DNS rebinding: a request addressed to another host name is refused even though it reached the loopback port.
        var (rebound, reboundBody) = await RawGetAsync(app.Address.Port, "/api/library", host: "attacker.example");
        Assert.Equal(421, rebound);
        Assert.Contains("wrong-host", reboundBody);
    }

    [Fact]
    public void Listening_beyond_loopback_needs_the_explicit_flag_and_warns()
    {
        using var t = new TempDir();
        var library = Directory.CreateDirectory(t.File("music")).FullName;
        // 192.0.2.1 (TEST-NET-1) is not this machine's: the server warns, then cannot bind and says so. No packet is sent.
        var r = CommandRunner.Auralis("serve", "--library", library, "--data-dir", t.File("data"), "--port", "0", "--address", "192.0.2.1");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("warning: listening on 192.0.2.1, not 127.0.0.1: anyone who can reach this machine", r.StdErr);
        Assert.Contains("cannot listen on 192.0.2.1", r.StdErr);

        var bad = CommandRunner.Auralis("serve", "--library", library, "--data-dir", t.File("data"), "--address", "localhost.evil");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("is not an IP address", bad.StdErr);

        var missing = CommandRunner.Auralis("serve", "--library", t.File("nope"), "--data-dir", t.File("data"), "--port", "0");
        Assert.Equal(5, missing.ExitCode);
        Assert.Contains($"library folder {t.File("nope")} does not exist", missing.StdErr);
    }

    // Sends the request target exactly as given (an HTTP client would normalise the dots away).
    private static async Task<(int Status, string Body)> RawGetAsync(int port, string target, string host = "127.0.0.1")
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        var request = Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(request);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        var text = Encoding.UTF8.GetString(memory.ToArray());
        var status = int.Parse(text.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (status, split < 0 ? "" : text[(split + 4)..]);
    }
}
