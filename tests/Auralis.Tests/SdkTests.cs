using Auralis.Sdk;

namespace Auralis.Tests;

public class SdkTests
{
    [Theory]
    [InlineData("1.0.0", "1.0.0", true)]
    [InlineData("1.3.2", "1.0.9", true)]   // older minor, any patch
    [InlineData("1.3.0", "1.3.7", true)]   // same minor, newer patch: patches never matter
    [InlineData("1.0.0", "1.1.0", false)]  // plugin needs a newer minor
    [InlineData("1.0.0", "2.0.0", false)]  // other major
    [InlineData("2.0.0", "1.0.0", false)]  // older major
    [InlineData("1.0.0", "0.9.0", false)]
    public void Compatibility_rule_is_same_major_and_plugin_minor_not_newer(string host, string plugin, bool accepted)
    {
        var verdict = SdkInfo.CheckCompatibility(SemanticVersion.Parse(host), SemanticVersion.Parse(plugin));
        Assert.Equal(accepted, verdict.IsCompatible);
        if (!accepted)
        {
            Assert.Contains(host, verdict.Message);
            Assert.Contains(plugin, verdict.Message);
        }
    }

    [Fact]
    public void Sdk_version_is_the_one_declared_in_the_build_props()
    {
        var props = File.ReadAllText(Path.Combine(Support.TestPaths.RepoRoot, "Directory.Build.props"));
        Assert.Contains($"<AuralisSdkVersion>{SdkInfo.VersionText}</AuralisSdkVersion>", props);
        Assert.Equal(SemanticVersion.Parse(SdkInfo.VersionText), SdkInfo.Version);
        var asm = typeof(SdkInfo).Assembly.GetName().Version!;
        Assert.Equal((SdkInfo.Version.Major, SdkInfo.Version.Minor), (asm.Major, asm.Minor));
    }

    [Theory]
    [InlineData("1.2.3", true)]
    [InlineData("10.20.30", true)]
    [InlineData("1.2", false)]
    [InlineData("1.2.3.4", false)]
    [InlineData("v1.2.3", false)]
    [InlineData("1.02.3", false)]
    [InlineData("1.2.-3", false)]
    [InlineData("1.2.3-beta", false)]
    [InlineData("", false)]
    [InlineData("99999999999.0.0", false)]
    public void Semantic_versions_parse_strictly(string text, bool valid) =>
        Assert.Equal(valid, SemanticVersion.TryParse(text, out _));

    [Theory]
    [InlineData("org.auralis.gain", true)]
    [InlineData("com.example.my-reverb_2", true)]
    [InlineData("gain", false)]
    [InlineData("Org.Auralis.Gain", false)]
    [InlineData("org..gain", false)]
    [InlineData("org.auralis.", false)]
    [InlineData("1org.auralis", false)]
    public void Plugin_ids_are_reverse_dns(string id, bool valid) => Assert.Equal(valid, PluginDescriptor.IsValidId(id));

    [Fact]
    public void Descriptor_rejects_duplicate_parameter_ids_and_analyzer_outputs()
    {
        var p = new ParameterInfo("gain_db", "Gain", -1, 1, 0);
        var dup = Assert.Throws<ArgumentException>(() => new PluginDescriptor("org.x.y", "Y", "X", new SemanticVersion(1, 0, 0),
            PluginKind.Processor, [AudioLayout.Mono], [p, p]));
        Assert.Contains("gain_db", dup.Message);
        var outputs = Assert.Throws<ArgumentException>(() => new PluginDescriptor("org.x.y", "Y", "X", new SemanticVersion(1, 0, 0),
            PluginKind.Analyzer, [AudioLayout.Mono]));
        Assert.Contains("analyzer", outputs.Message);
        Assert.Throws<ArgumentException>(() => new ParameterInfo("g", "G", 0, 1, 2));          // default out of range
        Assert.Throws<ArgumentException>(() => new ParameterInfo("f", "F", 0, 100, 10, scale: ParameterScale.Logarithmic));
        Assert.Throws<ArgumentException>(() => new ResultInfo("beats", "Beats", ResultScope.Frame, ResultKind.Series, 0));
    }

    [Fact]
    public void Descriptor_records_the_sdk_version_it_was_compiled_against()
    {
        var d = new PluginDescriptor("org.x.y", "Y", "X", new SemanticVersion(2, 1, 0), PluginKind.Processor, [AudioLayout.Stereo]);
        Assert.Equal(SdkInfo.Version, d.SdkVersion);
        Assert.Equal(new SemanticVersion(2, 1, 0), d.Version);
    }

    [Fact]
    public void Layout_numbers_channels_across_ports()
    {
        var layout = new AudioLayout("stereo", [new AudioPort("in", 2)], [new AudioPort("harmonic", 2), new AudioPort("percussive", 2)]);
        Assert.Equal(4, layout.OutputChannelCount);
        Assert.Equal(2, layout.OutputChannelOffset(1));
        Assert.Throws<ArgumentException>(() => new AudioLayout("x", [new AudioPort("a", 1)], [new AudioPort("a", 1)]));
    }

    [Theory]
    [InlineData(ParameterScale.Linear, -60f, 24f, -18f, 0.5)]
    [InlineData(ParameterScale.Logarithmic, 20f, 20000f, 632.4555f, 0.5)]
    public void Parameters_map_to_normalised_values_and_back(ParameterScale scale, float min, float max, float plain, double normalised)
    {
        var p = new ParameterInfo("p", "P", min, max, min, scale: scale);
        Assert.Equal(normalised, p.ToNormalized(plain), 4);
        Assert.Equal(plain, p.FromNormalized(normalised), 2);
        Assert.Equal(max, p.Clamp(1e9f));
        Assert.Equal(min, p.Clamp(float.NaN));
    }

    [Fact]
    public void Stepped_parameters_snap_to_steps()
    {
        var toggle = new ParameterInfo("on", "On", 0, 1, 0, stepCount: 1);
        Assert.Equal(1f, toggle.Clamp(0.7f));
        Assert.Equal(0f, toggle.FromNormalized(0.2));
    }

    [Fact]
    public void State_round_trips_through_json_keyed_by_parameter_id()
    {
        var state = new PluginState("org.auralis.gain", 3, new Dictionary<string, float> { ["gain_db"] = -6.5f, ["mix"] = 1f }, [1, 2, 3]);
        var back = PluginState.FromJson(state.ToJson());
        Assert.Equal("org.auralis.gain", back.PluginId);
        Assert.Equal(3, back.StateVersion);
        Assert.Equal(-6.5f, back.Parameters["gain_db"]);
        Assert.Equal(new byte[] { 1, 2, 3 }, back.Custom);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"plugin\":\"x\"}")]
    [InlineData("{\"plugin\":\"x\",\"state_version\":0}")]
    [InlineData("{\"plugin\":\"x\",\"state_version\":1,\"parameters\":{\"a\":\"loud\"}}")]
    [InlineData("{\"plugin\":\"x\",\"state_version\":1,\"custom\":\"%%%\"}")]
    [InlineData("not json")]
    public void Malformed_state_is_a_format_error(string json) => Assert.Throws<FormatException>(() => PluginState.FromJson(json));
}
