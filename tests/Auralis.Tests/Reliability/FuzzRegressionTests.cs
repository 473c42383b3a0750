using Auralis.Fuzz;
using Auralis.Tests.Support;

namespace Auralis.Tests.Reliability;

/// <summary>
/// Every input that ever crashed a fuzz target (tests/corpus/fuzz/TARGET/regressions) and every seed, replayed through
/// the same target code the fuzzer runs: each must end in success or the front end's named error.
/// </summary>
public class FuzzRegressionTests
{
    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        var root = Path.Combine(TestPaths.RepoRoot, "tests", "corpus", "fuzz");
        foreach (var target in FuzzTargets.All.Keys)
        {
            foreach (var kind in new[] { "seeds", "regressions" })
            {
                foreach (var file in Directory.GetFiles(Path.Combine(root, target, kind)).Where(f => !f.EndsWith(".keep", StringComparison.Ordinal)).Order())
                {
                    data.Add(target, Path.GetRelativePath(root, file));
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Replays_without_an_unexpected_exception(string target, string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, "tests", "corpus", "fuzz", file));
        FuzzTargets.All[target](bytes); // throws (failing the test) on anything but the named errors
    }

    [Fact]
    public void The_utf8_regressions_were_real_crashes_of_the_old_parsers()
    {
        // What the regressions guard against: System.Text.Json hands out strings lazily, so invalid UTF-8 inside a
        // string value used to escape the parsers as InvalidOperationException (an internal error in the CLI).
        var bytes = File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, "tests", "corpus", "fuzz", "manifest", "regressions", "invalid-utf8-string.json"));
        using var doc = System.Text.Json.JsonDocument.Parse(bytes);
        Assert.Throws<InvalidOperationException>(() => doc.RootElement.GetProperty("id").GetString());
    }
}
