using System.Diagnostics;
using System.Reflection;
using Xunit;

namespace MyFx.Tests;

/// <summary>Runs the Auralis validator on the built plugin, the way the host will see it.</summary>
public class ValidationTests
{
    private static string PluginFolder => typeof(ValidationTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "PluginFolder").Value!;

    /// <summary>`auralis` from AURALIS_EXE, else from PATH. Missing is a failure, never a skip.</summary>
    private static string Auralis =>
        Environment.GetEnvironmentVariable("AURALIS_EXE") is { Length: > 0 } exe ? exe
        : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "auralis")).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("auralis was not found: install Auralis (it puts auralis on PATH) or set AURALIS_EXE");

    [Fact]
    public void Plugin_passes_the_auralis_validator()
    {
        Assert.True(File.Exists(Path.Combine(PluginFolder, "plugin.json")), $"build the plugin first: {PluginFolder}");
        var psi = new ProcessStartInfo(Auralis) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "validate", PluginFolder, "--strictness", "6" })
        {
            psi.ArgumentList.Add(arg);
        }
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, output);
    }
}
