using System.Text.Json;
using Auralis.Tests.Support;
using Auralis.Web.Library;
using Auralis.Web.Tests.Support;

namespace Auralis.Web.Tests;

/// <summary>The library: background scan with progress, facts and tags, SQLite in WAL mode, re-scans that notice changes.</summary>
public sealed class LibraryTests
{
    [Fact]
    public async Task Scan_lists_tracks_with_duration_format_and_tags_and_rescan_picks_up_changes()
    {
        using var t = new TempDir();
        var library = TestLibrary.Create(t.File("music"));
        var xdg = t.File("xdg");
        // No --data-dir: the database goes to $XDG_DATA_HOME/auralis.
        await using var app = await ServedApp.StartAsync([library], "", environment: new Dictionary<string, string?> { ["XDG_DATA_HOME"] = xdg });
        var listing = await app.WaitForScanAsync();

        Assert.Equal(Path.Combine(xdg, "auralis", LibraryDatabase.FileName), listing.GetProperty("database").GetString());
        var tracks = listing.GetProperty("tracks").EnumerateArray().ToDictionary(e => e.GetProperty("file").GetString()!);
        Assert.Equal(3, tracks.Count);
        var steady = tracks[TestLibrary.Steady];
        Assert.Equal(TestLibrary.SteadyTags.Title, steady.GetProperty("title").GetString());
        Assert.Equal(TestLibrary.SteadyTags.Artist, steady.GetProperty("tags").GetProperty("artist").GetString());
        Assert.Equal(TestLibrary.SteadyTags.Album, steady.GetProperty("tags").GetProperty("album").GetString());
        Assert.Equal(TestLibrary.SteadySeconds, steady.GetProperty("duration_s").GetDouble(), 3);
        Assert.Equal("flac", steady.GetProperty("container").GetString());
        Assert.Equal("pcm16", steady.GetProperty("encoding").GetString());
        Assert.Equal(44100, steady.GetProperty("sample_rate").GetInt32());
        Assert.Equal(2, steady.GetProperty("channels").GetInt32());
        Assert.Equal(16.0, tracks[TestLibrary.Demo].GetProperty("duration_s").GetDouble(), 3);
        // The file that is not audio is listed with libsndfile's reason, and cannot be streamed.
        var broken = tracks[TestLibrary.Broken];
        Assert.Contains("not a readable audio file", broken.GetProperty("error").GetString());
        var scan = listing.GetProperty("scan");
        Assert.Equal(3, scan.GetProperty("files_found").GetInt32());
        Assert.Equal(3, scan.GetProperty("files_done").GetInt32());
        Assert.Single(scan.GetProperty("problems").EnumerateArray());
        using (var refused = await app.Http.GetAsync($"/api/tracks/{broken.GetProperty("id").GetInt64()}/chunks/original/0"))
        {
            Assert.Equal(422, (int)refused.StatusCode);
        }

        // The database is SQLite in WAL mode.
        var db = LibraryDatabase.Open(Path.Combine(xdg, "auralis"));
        Assert.Equal("wal", db.JournalMode());

        // Change one file (shorter), add one, delete one; a rescan notices each, and keeps the changed track's id.
        var steadyId = steady.GetProperty("id").GetInt64();
        TestAudio.Write(Path.Combine(library, TestLibrary.Steady), TestLibrary.SteadySignal(44100, 5), 44100, Auralis.Offline.SndFile.SampleEncoding.Pcm16);
        File.SetLastWriteTimeUtc(Path.Combine(library, TestLibrary.Steady), DateTime.UtcNow.AddMinutes(1));
        Directory.CreateDirectory(Path.Combine(library, "sub"));
        TestAudio.Write(Path.Combine(library, "sub", "new.wav"), [TestAudio.Sine(48000, 440, 48000)], 48000);
        File.Delete(Path.Combine(library, TestLibrary.Demo));
        await app.RescanAsync();
        var again = await app.WaitForScanAsync(scans: 2);
        var after = again.GetProperty("tracks").EnumerateArray().ToDictionary(e => e.GetProperty("file").GetString()!);
        Assert.Equal([TestLibrary.Broken, "new.wav", TestLibrary.Steady], after.Keys.Order().ToArray());
        Assert.Equal(5.0, after[TestLibrary.Steady].GetProperty("duration_s").GetDouble(), 3);
        Assert.Equal(steadyId, after[TestLibrary.Steady].GetProperty("id").GetInt64());
        Assert.Equal("sub", after["new.wav"].GetProperty("folder").GetString());
        Assert.Equal(1.0, after["new.wav"].GetProperty("duration_s").GetDouble(), 3);
        // Only the changed and the new file were read again.
        Assert.Equal(2, again.GetProperty("scan").GetProperty("files_read").GetInt32());
    }
}
