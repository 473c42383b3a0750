namespace Auralis.Sdk;

/// <summary>How a parameter's plain range maps to the normalised 0..1 range that automation and DAWs use.</summary>
public enum ParameterScale
{
    /// <summary>Normalised value is proportional to the plain value.</summary>
    Linear,

    /// <summary>Normalised value is proportional to the logarithm of the plain value (frequencies, times). Needs min &gt; 0.</summary>
    Logarithmic,
}

/// <summary>An input parameter: a plain value in [<see cref="Min"/>, <see cref="Max"/>] with a stable id.</summary>
/// <remarks>
/// Thread: any. Immutable. The host owns the current values and hands them to <see cref="IAudioPlugin.Process"/> in
/// <see cref="ProcessContext.Parameters"/>, in the order the descriptor lists the parameters.
/// </remarks>
public sealed class ParameterInfo
{
    /// <summary>Creates a parameter description.</summary>
    /// <param name="id">Stable id (lower-case token); state and automation refer to the parameter by it, so never rename it.</param>
    /// <param name="name">Label shown to people, e.g. in a DAW's generic editor.</param>
    /// <param name="min">Smallest plain value.</param>
    /// <param name="max">Largest plain value; greater than <paramref name="min"/>.</param>
    /// <param name="defaultValue">Plain value after creation and reset of state; within the range.</param>
    /// <param name="unit">Unit label, e.g. <c>dB</c>, <c>Hz</c>; empty when unitless.</param>
    /// <param name="stepCount">0 for continuous; otherwise the number of steps between min and max (a toggle has 1).</param>
    /// <param name="scale">How the range maps to normalised values.</param>
    public ParameterInfo(string id, string name, float min, float max, float defaultValue, string unit = "",
        int stepCount = 0, ParameterScale scale = ParameterScale.Linear)
    {
        Naming.RequireToken(id, nameof(id), "parameter id");
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(unit);
        if (!float.IsFinite(min) || !float.IsFinite(max) || !(max > min))
        {
            throw new ArgumentException($"parameter '{id}': range [{min}, {max}] must be finite with max > min", nameof(max));
        }
        if (!(defaultValue >= min && defaultValue <= max))
        {
            throw new ArgumentException($"parameter '{id}': default {defaultValue} is outside [{min}, {max}]", nameof(defaultValue));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        if (scale == ParameterScale.Logarithmic && min <= 0)
        {
            throw new ArgumentException($"parameter '{id}': a logarithmic range needs min > 0", nameof(scale));
        }
        Id = id;
        Name = name;
        Min = min;
        Max = max;
        Default = defaultValue;
        Unit = unit;
        StepCount = stepCount;
        Scale = scale;
    }

    /// <summary>Stable id.</summary>
    public string Id { get; }

    /// <summary>Label shown to people.</summary>
    public string Name { get; }

    /// <summary>Smallest plain value.</summary>
    public float Min { get; }

    /// <summary>Largest plain value.</summary>
    public float Max { get; }

    /// <summary>Default plain value.</summary>
    public float Default { get; }

    /// <summary>Unit label.</summary>
    public string Unit { get; }

    /// <summary>0 for continuous, else the number of discrete steps.</summary>
    public int StepCount { get; }

    /// <summary>Mapping to normalised values.</summary>
    public ParameterScale Scale { get; }

    /// <summary>Clamps a plain value into range and onto a step; NaN becomes the default.</summary>
    public float Clamp(float plain)
    {
        if (float.IsNaN(plain))
        {
            return Default;
        }
        var v = Math.Clamp(plain, Min, Max);
        if (StepCount > 0)
        {
            var step = (Max - Min) / StepCount;
            v = Min + MathF.Round((v - Min) / step) * step;
        }
        return v;
    }

    /// <summary>Maps a plain value to 0..1.</summary>
    public double ToNormalized(float plain)
    {
        var v = Clamp(plain);
        return Scale == ParameterScale.Logarithmic
            ? Math.Log(v / (double)Min) / Math.Log(Max / (double)Min)
            : (v - (double)Min) / ((double)Max - Min);
    }

    /// <summary>Maps 0..1 (clamped) to a plain value.</summary>
    public float FromNormalized(double normalized)
    {
        var n = double.IsNaN(normalized) ? ToNormalized(Default) : Math.Clamp(normalized, 0, 1);
        var plain = Scale == ParameterScale.Logarithmic
            ? Min * Math.Pow(Max / (double)Min, n)
            : Min + n * ((double)Max - Min);
        return Clamp((float)plain);
    }
}
