using System.Text;
using Auralis.Daw.Tests.Support;
using Auralis.Sdk;
using Auralis.Tests.Support;
using Auralis.Vst3.Abi;

namespace Auralis.Daw.Tests;

/// <summary>
/// The bundle loaded into this test process, which already runs .NET: the shim must join the running runtime (hostfxr
/// "already initialised", codes 1 and 2) instead of starting a second one. Driven through the C ABI by
/// <see cref="VstHost"/>, which offers what Ardour does not: 64-bit samples, and states handed over directly.
/// </summary>
[Collection(ArdourCollection.Name)]
public sealed unsafe class InProcessHostTests(ArdourRig rig)
{
    private static readonly Lock Gate = new();
    private static nint _factory;

    // One module per process, as in a DAW; third-party plugins come from AURALIS_PLUGINS and the user folder (under
    // XDG_DATA_HOME), read when it first loads.
    private void* Factory()
    {
        lock (Gate)
        {
            if (_factory == 0)
            {
                Environment.SetEnvironmentVariable("AURALIS_PLUGINS", TestPaths.TestPluginsDir);
                Environment.SetEnvironmentVariable("XDG_DATA_HOME", Path.Combine(rig.Workspace, "data"));
                Environment.SetEnvironmentVariable("AURALIS_VST3_LOG", Path.Combine(rig.Workspace, "in-process.log"));
                _factory = (nint)VstHost.GetPluginFactory(rig.Bundle);
            }
            Assert.True(_factory != 0, "GetPluginFactory returned null in a process that already runs .NET");
            return (void*)_factory;
        }
    }

    private Tuid ClassId(string name)
    {
        var factory = Factory();
        for (var i = 0; i < VstHost.CountClasses(factory); i++)
        {
            var info = VstHost.ClassInfoUnicode(factory, i);
            if (VstText.Read(info.Name, PClassInfo.NameSize) == name)
            {
                return info.Cid;
            }
        }
        throw new Xunit.Sdk.XunitException($"no class '{name}'");
    }

    private (nint Component, nint Processor, nint Controller) Create(string className, byte[]? state = null, (ulong[] Inputs, ulong[] Outputs)? buses = null)
    {
        Assert.Equal(VstResult.Ok, VstHost.CreateInstance(Factory(), ClassId(className), Iids.IComponent, out var component));
        Assert.Equal(VstResult.Ok, VstHost.Initialize(component));
        Assert.Equal(VstResult.Ok, VstHost.QueryInterface(component, Iids.IAudioProcessor, out var processor));
        Assert.Equal(VstResult.Ok, VstHost.QueryInterface(component, Iids.IEditController, out var controller));
        Assert.Equal(VstResult.True, VstHost.CanProcessSampleSize(processor, Vst.Sample64));
        Assert.Equal(VstResult.Ok, VstHost.SetupProcessing(processor,
            new ProcessSetup { ProcessMode = Vst.ProcessOffline, SymbolicSampleSize = Vst.Sample64, MaxSamplesPerBlock = 512, SampleRate = 48000 }));
        if (state is not null)
        {
            Assert.Equal(VstResult.Ok, VstHost.SetState(component, new MemoryBStream(state)));
        }
        if (buses is { } arrangement)
        {
            Assert.Equal(VstResult.True, VstHost.SetBusArrangements(processor, arrangement.Inputs, arrangement.Outputs));
        }
        Assert.Equal(VstResult.Ok, VstHost.SetActive(component, true));
        return ((nint)component, (nint)processor, (nint)controller);
    }

    private static void Destroy((nint Component, nint Processor, nint Controller) instance)
    {
        Assert.Equal(VstResult.Ok, VstHost.SetActive((void*)instance.Component, false));
        Assert.Equal(VstResult.Ok, VstHost.Terminate((void*)instance.Component));
        VstHost.Release((void*)instance.Controller);
        VstHost.Release((void*)instance.Processor);
        Assert.Equal(0u, VstHost.Release((void*)instance.Component));
    }

    private static double[][] Noise(int frames) => [.. new[] { 1, 2 }.Select(seed => TestAudio.Noise(frames, seed).Select(x => (double)x).ToArray())];

    private static uint ParameterId(void* controller, string title)
    {
        for (var i = 0; i < VstHost.ParameterCount(controller); i++)
        {
            var info = VstHost.ParameterInfo(controller, i);
            if (VstText.Read(info.Title, 128) == title)
            {
                return info.Id;
            }
        }
        throw new Xunit.Sdk.XunitException($"no parameter '{title}'");
    }

    [Fact]
    public void Joins_the_running_runtime_and_answers_interface_queries_like_COM()
    {
        var factory = Factory();
        Assert.Equal(VstResult.Ok, VstHost.QueryInterface(factory, Iids.IPluginFactory3, out var factory3));
        Assert.True(factory3 == factory);
        VstHost.Release(factory3);
        Assert.Equal(VstResult.NoInterface, VstHost.QueryInterface(factory, Iids.IComponent, out var none));
        Assert.True(none == null);
        Assert.Equal(rig.Scan.Classes.Count, VstHost.CountClasses(factory));
    }

    [Fact]
    public void Processes_64_bit_samples_and_round_trips_its_state()
    {
        var state = new PluginState("org.auralis.gain", 1, new Dictionary<string, float> { ["gain_db"] = -6 });
        var gain = Create("Auralis Gain", Encoding.UTF8.GetBytes(state.ToJson()));
        var controller = (void*)gain.Controller;
        var id = ParameterId(controller, "Gain");
        Assert.Equal(VstHost.PlainToNormalized(controller, id, -6), VstHost.ParamNormalized(controller, id), 12);

        var input = Noise(512);
        var output = new[] { new double[512], new double[512] };
        Assert.Equal(VstResult.Ok, VstHost.Process64((void*)gain.Processor, input, output));
        // Auralis processes 32-bit float: the 64-bit output is exactly the gain plugin's float result.
        var g = Math.Pow(10, -6f / 20.0);
        for (var c = 0; c < 2; c++)
        {
            Assert.Equal(input[c].Select(x => (double)(float)((float)x * g)), output[c]);
        }

        var saved = new MemoryBStream();
        Assert.Equal(VstResult.Ok, VstHost.GetState((void*)gain.Component, saved));
        var json = PluginState.FromJson(Encoding.UTF8.GetString(saved.Data.ToArray()));
        Assert.Equal("org.auralis.gain", json.PluginId);
        Assert.Equal(-6, json.Parameters["gain_db"], 4);

        // A state of another plugin is refused with a named error; the instance keeps its own.
        var foreign = new PluginState("org.auralis.tests.faulty", 1, new Dictionary<string, float>());
        Assert.Equal(VstResult.False, VstHost.SetState((void*)gain.Component, new MemoryBStream(Encoding.UTF8.GetBytes(foreign.ToJson()))));
        Assert.Contains("belongs to plugin 'org.auralis.tests.faulty'", File.ReadAllText(Path.Combine(rig.Workspace, "in-process.log")));
        Assert.Equal(VstHost.PlainToNormalized(controller, id, -6), VstHost.ParamNormalized(controller, id), 12);
        Destroy(gain);
    }

    [Fact]
    public void Each_output_port_is_a_bus_and_the_host_may_choose_the_mono_layout()
    {
        // Split: in -> main (the input) and inverted (its negation), stereo or mono. A mono input with stereo outputs
        // is no layout of the plugin: refused.
        Assert.Equal(VstResult.Ok, VstHost.CreateInstance(Factory(), ClassId("Split"), Iids.IAudioProcessor, out var probe));
        Assert.Equal(VstResult.Ok, VstHost.QueryInterface(probe, Iids.IComponent, out var probeComponent));
        Assert.Equal(VstResult.Ok, VstHost.Initialize(probeComponent));
        Assert.Equal(VstResult.False, VstHost.SetBusArrangements(probe, [Vst.SpeakerMono], [Vst.SpeakerStereo, Vst.SpeakerStereo]));
        Assert.Equal(Vst.SpeakerStereo, VstHost.BusArrangement(probe, Vst.DirectionOutput, 1));
        Assert.Equal(VstResult.Ok, VstHost.Terminate(probeComponent));
        VstHost.Release(probe);
        Assert.Equal(0u, VstHost.Release(probeComponent));

        var split = Create("Split", buses: ([Vst.SpeakerMono], [Vst.SpeakerMono, Vst.SpeakerMono]));
        Assert.Equal(Vst.SpeakerMono, VstHost.BusArrangement((void*)split.Processor, Vst.DirectionOutput, 1));
        var input = Noise(256)[0];
        double[][][] outputs = [[new double[256]], [new double[256]]];
        Assert.Equal(VstResult.Ok, VstHost.Process64((void*)split.Processor, [[input]], outputs));
        Assert.Equal(input.Select(x => (double)(float)x), outputs[0][0]);
        Assert.Equal(input.Select(x => (double)-(float)x), outputs[1][0]);
        Destroy(split);
    }

    [Fact]
    public void An_output_bus_the_host_switched_off_is_never_written()
    {
        // Ardour switches off the outputs a track does not carry and points their channels at one shared scratch
        // buffer; VST3 lets those addresses be anything, so the bridge must not write through them.
        var split = Create("Split");
        var component = (void*)split.Component;
        Assert.Equal(VstResult.Ok, VstHost.SetActive(component, false));
        Assert.Equal(VstResult.Ok, VstHost.ActivateBus(component, Vst.DirectionOutput, 1, false));
        Assert.Equal(VstResult.InvalidArgument, VstHost.ActivateBus(component, Vst.DirectionOutput, 2, false));
        Assert.Equal(VstResult.Ok, VstHost.SetActive(component, true));
        var input = Noise(256);
        const double Untouched = 7;
        double[][][] outputs = [[new double[256], new double[256]], [Enumerable.Repeat(Untouched, 256).ToArray(), Enumerable.Repeat(Untouched, 256).ToArray()]];
        Assert.Equal(VstResult.Ok, VstHost.Process64((void*)split.Processor, [input], outputs));
        Assert.Equal(input[1].Select(x => (double)(float)x), outputs[0][1]);
        Assert.All(outputs[1].SelectMany(c => c), x => Assert.Equal(Untouched, x));

        // Switched back on, the stem flows again.
        Assert.Equal(VstResult.Ok, VstHost.SetActive(component, false));
        Assert.Equal(VstResult.Ok, VstHost.ActivateBus(component, Vst.DirectionOutput, 1, true));
        Assert.Equal(VstResult.Ok, VstHost.SetActive(component, true));
        Assert.Equal(VstResult.Ok, VstHost.Process64((void*)split.Processor, [input], outputs));
        Assert.Equal(input[1].Select(x => (double)-(float)x), outputs[1][1]);
        Destroy(split);
    }

    [Fact]
    public void A_throwing_plugin_never_throws_into_the_host_and_passes_audio_through()
    {
        var state = new PluginState("org.auralis.tests.faulty", 1, new Dictionary<string, float> { ["fail_after_s"] = 0.001f });
        var faulty = Create("Faulty", Encoding.UTF8.GetBytes(state.ToJson()));
        var fault = ParameterId((void*)faulty.Controller, "Fault (bypassed)");
        var input = Noise(512);
        for (var block = 0; block < 3; block++)
        {
            var output = new[] { new double[512], new double[512] };
            Assert.Equal(VstResult.Ok, VstHost.Process64((void*)faulty.Processor, input, output));
            for (var c = 0; c < 2; c++)
            {
                Assert.Equal(input[c].Select(x => (float)x), output[c].Select(x => (float)x));
            }
        }
        Assert.Equal(1, VstHost.ParamNormalized((void*)faulty.Controller, fault));
        Destroy(faulty);
        Assert.Contains("plugin 'org.auralis.tests.faulty' failed and is bypassed: InvalidOperationException: fixture failure at sample 512",
            File.ReadAllText(Path.Combine(rig.Workspace, "in-process.log")));
    }
}
