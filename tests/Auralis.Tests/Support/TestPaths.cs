namespace Auralis.Tests.Support;

/// <summary>Where the built product and fixtures are, found from the repository root.</summary>
public static class TestPaths
{
    /// <summary>The repository root (the folder holding Auralis.slnx).</summary>
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>The built app (the layout ./auralis runs).</summary>
    public static string AppDir => Path.Combine(RepoRoot, "artifacts", "app");

    /// <summary>The app's own plugins directory.</summary>
    public static string PluginsDir => Path.Combine(AppDir, "plugins");

    /// <summary>The staged test fixture plugins.</summary>
    public static string TestPluginsDir => Path.Combine(RepoRoot, "artifacts", "test-plugins");

    /// <summary>The built auralis executable.</summary>
    public static string AuralisExe => Path.Combine(AppDir, "auralis");

    /// <summary>Golden audio inputs.</summary>
    public static string GoldenInputs => Path.Combine(RepoRoot, "golden-audio", "inputs");

    /// <summary>Where tests keep artefacts worth looking at after a run (screenshots, received files).</summary>
    public static string TestArtifacts
    {
        get
        {
            var dir = Path.Combine(RepoRoot, "artifacts", "test-artifacts");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Auralis.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("cannot find the repository root (Auralis.slnx) above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary directory deleted when disposed.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "auralis-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Copies a directory tree into this temp dir under <paramref name="name"/>.</summary>
    public string CopyTree(string source, string name)
    {
        var target = System.IO.Path.Combine(Path, name);
        foreach (var dir in Directory.GetDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(System.IO.Path.Combine(target, System.IO.Path.GetRelativePath(source, dir)));
        }
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            System.IO.File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetRelativePath(source, file)));
        }
        return target;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
