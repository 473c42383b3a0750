using System.Text.Json;
using Auralis.Tests.Support;
using Auralis.Web.Tests.Support;

namespace Auralis.Web.Tests;

/// <summary>A native library missing under the running server: its stream requests fail with the library's name and fix.</summary>
public sealed class NativeLibraryTests
{
    [Fact]
    public async Task Without_libsndfile_stream_requests_fail_naming_the_library()
    {
        using var t = new TempDir();
        var library = TestLibrary.Create(t.File("music"));
        var data = t.File("data");
        long id;
        await using (var healthy = await ServedApp.StartAsync([library], data))
        {
            await healthy.WaitForScanAsync();
            id = await healthy.TrackIdAsync(TestLibrary.Steady);
        }

        // Hide the real library in a private mount namespace (root only): the system is untouched for everyone else.
        var lib = CommandRunner.Run("/sbin/ldconfig", ["-p"]).StdOut.Split('\n')
            .Select(l => l.Split("=> ").ElementAtOrDefault(1)?.Trim()).First(p => p is not null && p.EndsWith("libsndfile.so.1"))!;
        await using var app = await ServedApp.StartAsync([library], data,
            launcher: ["unshare", "--mount", "--propagation", "private", "sh", "-c", "mount --bind /dev/null \"$0\" && exec \"$@\"", lib]);
        Assert.Contains("warning: native libsndfile.so.1", app.Output);
        using (var response = await app.Http.GetAsync($"/api/tracks/{id}/chunks/original/0"))
        {
            Assert.Equal(503, (int)response.StatusCode);
            var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("native-library-missing", error.GetProperty("error").GetString());
            Assert.Contains("native library libsndfile.so.1 is missing", error.GetProperty("message").GetString());
            Assert.Contains("apt-get install libsndfile1", error.GetProperty("fix").GetString());
        }
        // Enhanced needs more than libsndfile; whichever piece is missing first is named, and nothing is streamed.
        using (var response = await app.Http.GetAsync($"/api/tracks/{id}/chunks/enhanced/0"))
        {
            Assert.Equal(503, (int)response.StatusCode);
            Assert.Contains("Fix:", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());
        }
        var health = await app.GetJsonAsync("/api/health");
        Assert.False(health.GetProperty("healthy").GetBoolean());
    }
}
