using Auralis.Tests.Support;
using Auralis.Web.Tests.Support;

namespace Auralis.Web.Tests;

/// <summary><c>auralis serve</c> as a command: --open hands the page to the desktop's opener.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task Open_hands_the_page_address_to_xdg_open()
    {
        using var t = new TempDir();
        var library = Directory.CreateDirectory(t.File("music")).FullName;
        // The desktop's opener is whatever xdg-open is on PATH; this one writes down what it was asked to open.
        // It writes aside and renames, so the record appears whole: the shell creates a redirect's file before
        // echo writes into it, and a poll between the two read an empty address (a CI failure).
        var bin = Directory.CreateDirectory(t.File("bin")).FullName;
        var opener = Path.Combine(bin, "xdg-open");
        var record = t.File("opened.txt");
        File.WriteAllText(opener, $"#!/bin/sh\necho \"$1\" > '{record}.part' && mv '{record}.part' '{record}'\n");
        Assert.Equal(0, CommandRunner.Run("chmod", ["+x", opener]).ExitCode);
        var path = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
        await using var app = await ServedApp.StartAsync([library], t.File("data"),
            environment: new Dictionary<string, string?> { ["PATH"] = path }, extraArguments: ["--open"]);
        for (var i = 0; i < 100 && !File.Exists(record); i++)
        {
            await Task.Delay(100);
        }
        Assert.True(File.Exists(record), $"xdg-open was not run:\n{app.Output}");
        Assert.Equal(app.Address.ToString(), File.ReadAllText(record).Trim());
    }
}
