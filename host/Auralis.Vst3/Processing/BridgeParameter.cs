using System.Globalization;
using Auralis.Sdk;

namespace Auralis.Vst3.Processing;

/// <summary>What a VST3 parameter of an Auralis class stands for.</summary>
internal enum ParameterRole
{
    /// <summary>A plugin parameter (descriptor order index); automatable.</summary>
    Input,

    /// <summary>One value of a frame result (index into the concatenated frame values); read-only.</summary>
    Result,

    /// <summary>1 once the instance failed and is bypassed; read-only.</summary>
    Fault,
}

/// <summary>
/// One VST3 parameter. Ids are stable (a hash of the Auralis id) so DAW sessions and automation survive new versions
/// of a plugin. Values cross the ABI normalised to 0..1: inputs through <see cref="ParameterInfo.ToNormalized"/>,
/// results (which have no range) through a reversible squash <c>n = 0.5 + 0.5·x/(1+|x|)</c>.
/// </summary>
internal sealed class BridgeParameter
{
    private BridgeParameter(uint id, ParameterRole role, int index, string title, string units, int stepCount, ParameterInfo? info)
    {
        Id = id;
        Role = role;
        Index = index;
        Title = title;
        Units = units;
        StepCount = stepCount;
        Info = info;
        DefaultNormalized = role switch
        {
            ParameterRole.Input => info!.ToNormalized(info.Default),
            ParameterRole.Result => Squash(0),
            _ => 0,
        };
    }

    public uint Id { get; }

    public ParameterRole Role { get; }

    /// <summary>Input: parameter index; result: index into the frame values.</summary>
    public int Index { get; }

    public string Title { get; }

    public string Units { get; }

    public int StepCount { get; }

    public double DefaultNormalized { get; }

    /// <summary>The Auralis parameter (inputs only).</summary>
    public ParameterInfo? Info { get; }

    public bool IsReadOnly => Role != ParameterRole.Input;

    public double ToPlain(double normalized) => Role switch
    {
        ParameterRole.Input => Info!.FromNormalized(normalized),
        ParameterRole.Result => Unsquash(normalized),
        _ => normalized >= 0.5 ? 1 : 0,
    };

    public double ToNormalized(double plain) => Role switch
    {
        ParameterRole.Input => Info!.ToNormalized((float)plain),
        ParameterRole.Result => Squash(plain),
        _ => plain >= 0.5 ? 1 : 0,
    };

    public string Format(double normalized)
    {
        var plain = ToPlain(normalized);
        return Role == ParameterRole.Fault
            ? (plain >= 0.5 ? "failed, bypassed" : "ok")
            : plain.ToString(Math.Abs(plain) >= 100 ? "0.0" : "0.00", CultureInfo.InvariantCulture);
    }

    public bool TryParse(string text, out double normalized)
    {
        var number = text.Trim();
        if (Units.Length > 0 && number.EndsWith(Units, StringComparison.Ordinal))
        {
            number = number[..^Units.Length].Trim();
        }
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) && double.IsFinite(plain))
        {
            normalized = ToNormalized(plain);
            return true;
        }
        normalized = 0;
        return false;
    }

    public static double Squash(double plain) => 0.5 + 0.5 * plain / (1 + Math.Abs(plain));

    public static double Unsquash(double normalized)
    {
        var s = Math.Clamp(2 * normalized - 1, -0.999999999, 0.999999999);
        return s / (1 - Math.Abs(s));
    }

    /// <summary>
    /// The parameters of a class: every input parameter, one read-only parameter per frame-result value, and the fault
    /// indicator. Summary results describe a whole finished stream, which a DAW insert never has; they are not offered.
    /// </summary>
    public static IReadOnlyList<BridgeParameter> For(PluginDescriptor? descriptor)
    {
        var list = new List<BridgeParameter>();
        var used = new HashSet<uint>();
        if (descriptor is not null)
        {
            for (var i = 0; i < descriptor.Parameters.Count; i++)
            {
                var p = descriptor.Parameters[i];
                list.Add(new BridgeParameter(StableId("in:" + p.Id, used), ParameterRole.Input, i, p.Name, p.Unit, p.StepCount, p));
            }
            var offset = 0;
            foreach (var r in descriptor.Results.Where(r => r.Scope == ResultScope.Frame))
            {
                for (var k = 0; k < r.Length; k++)
                {
                    var title = r.Length == 1 ? r.Name : $"{r.Name} {r.ElementNames?[k] ?? (k + 1).ToString(CultureInfo.InvariantCulture)}";
                    var key = r.Length == 1 ? "out:" + r.Id : $"out:{r.Id}[{k}]";
                    list.Add(new BridgeParameter(StableId(key, used), ParameterRole.Result, offset + k, title, r.Unit, 0, null));
                }
                offset += r.Length;
            }
        }
        list.Add(new BridgeParameter(StableId("auralis:fault", used), ParameterRole.Fault, 0, "Fault (bypassed)", "", 1, null));
        return list;
    }

    // FNV-1a, 31 bits (VST3 reserves the top bit); a collision within one class takes the next free id.
    private static uint StableId(string key, HashSet<uint> used)
    {
        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }
        var id = hash & 0x7FFFFFFF;
        while (!used.Add(id))
        {
            id = (id + 1) & 0x7FFFFFFF;
        }
        return id;
    }
}
