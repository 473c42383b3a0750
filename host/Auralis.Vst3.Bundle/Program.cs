using System.Text.Json;
using Auralis.Vst3.Classes;
using Auralis.Vst3.Component;

namespace Auralis.Vst3.Bundle;

/// <summary>
/// Build step of the bundle: writes Contents/Resources/moduleinfo.json (Steinberg's module description, JSON) from the
/// same class list the bridge offers, limited to what the bundle itself ships (the chain and the built-in plugins).
/// </summary>
public static class Program
{
    /// <summary><c>Auralis.Vst3.Bundle BUNDLE</c></summary>
    public static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: Auralis.Vst3.Bundle BUNDLE (writes BUNDLE/Contents/Resources/moduleinfo.json)");
            return 2;
        }
        // A build must not write to the user's bridge log; problems still go to stderr and fail the build.
        Environment.SetEnvironmentVariable(Diagnostics.BridgeLog.PathVariable, "/dev/null");
        var resources = Path.Combine(Path.GetFullPath(args[0]), "Contents", "Resources");
        var registry = ClassRegistry.Load(resources, thirdParty: false);
        if (registry.Problems.Count > 0)
        {
            Console.Error.WriteLine($"Auralis.Vst3.Bundle: error: the bundle's own plugins do not all load ({registry.Problems.Count} problem(s) above)");
            return 1;
        }
        using var stream = File.Create(Path.Combine(resources, "moduleinfo.json"));
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("Name", "Auralis");
        w.WriteString("Version", ClassRegistry.ProductVersion);
        w.WriteStartObject("Factory Info");
        w.WriteString("Vendor", "Auralis");
        w.WriteString("URL", "");
        w.WriteString("E-Mail", "");
        w.WriteStartObject("Flags");
        w.WriteBoolean("Unicode", true);
        // Third-party plugins installed later add classes: hosts must ask the module, not trust this list alone.
        w.WriteBoolean("Classes Discardable", (PluginFactory.Flags & Abi.PFactoryInfo.FlagClassesDiscardable) != 0);
        w.WriteBoolean("Component Non Discardable", false);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartArray("Classes");
        foreach (var c in registry.Classes)
        {
            w.WriteStartObject();
            w.WriteString("CID", c.Id.ToString());
            w.WriteString("Category", Abi.Vst.AudioEffectCategory);
            w.WriteString("Name", c.Name);
            w.WriteString("Vendor", c.Vendor);
            w.WriteString("Version", c.Version);
            w.WriteString("SDKVersion", Abi.Vst.SdkVersion);
            w.WriteStartArray("Sub Categories");
            foreach (var sub in c.SubCategories.Split('|'))
            {
                w.WriteStringValue(sub);
            }
            w.WriteEndArray();
            w.WriteNumber("Class Flags", 0);
            w.WriteNumber("Cardinality", Abi.PClassInfo.ManyInstances);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        return 0;
    }
}
