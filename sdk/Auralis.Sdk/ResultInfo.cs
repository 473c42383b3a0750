namespace Auralis.Sdk;

/// <summary>When a result is published.</summary>
public enum ResultScope
{
    /// <summary>Once per analysis frame, from <see cref="IAudioPlugin.Process"/>, through <see cref="IResultSink.WriteFrame"/>.</summary>
    Frame,

    /// <summary>Once per stream, from <see cref="IAudioPlugin.Summarize"/>, through <see cref="ISummarySink"/>.</summary>
    Summary,
}

/// <summary>The shape of a result's value.</summary>
public enum ResultKind
{
    /// <summary>One number (pitch Hz, BPM).</summary>
    Scalar,

    /// <summary>A fixed number of numbers (chroma[12], fingerprint[25]).</summary>
    Vector,

    /// <summary>Any number of numbers (beat times). Summary scope only.</summary>
    Series,

    /// <summary>A fixed set of named numbers, published like a vector and presented as name → value.</summary>
    Record,
}

/// <summary>
/// An output parameter or result stream: how an analyzer publishes what it measures (pitch Hz per frame, BPM,
/// chroma[12], fingerprint[25]).
/// </summary>
/// <remarks>Thread: any. Immutable.</remarks>
public sealed class ResultInfo
{
    /// <summary>Creates a result description.</summary>
    /// <param name="id">Stable id (lower-case token) used as the key in analysis output.</param>
    /// <param name="name">Label shown to people.</param>
    /// <param name="scope">Per frame or per stream.</param>
    /// <param name="kind">Shape of the value.</param>
    /// <param name="length">Number of values: 1 for scalars, the fixed size for vectors and records, 0 for series.</param>
    /// <param name="unit">Unit label, e.g. <c>Hz</c>; empty when unitless.</param>
    /// <param name="elementNames">Names of a vector's or record's elements (required for records), e.g. <c>C</c>…<c>B</c>.</param>
    public ResultInfo(string id, string name, ResultScope scope, ResultKind kind, int length = 1, string unit = "",
        IReadOnlyList<string>? elementNames = null)
    {
        Naming.RequireToken(id, nameof(id), "result id");
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(unit);
        var expected = kind switch
        {
            ResultKind.Scalar => length == 1,
            ResultKind.Series => length == 0 && scope == ResultScope.Summary,
            _ => length >= 1,
        };
        if (!expected)
        {
            throw new ArgumentException(
                $"result '{id}': a {kind} in {scope} scope cannot have length {length} (scalar: 1; series: 0, summary only; vector/record: 1 or more)",
                nameof(length));
        }
        if (kind == ResultKind.Record && elementNames is null)
        {
            throw new ArgumentException($"result '{id}': a record needs element names", nameof(elementNames));
        }
        if (elementNames is not null && (elementNames.Count != length || elementNames.Distinct(StringComparer.Ordinal).Count() != length))
        {
            throw new ArgumentException($"result '{id}': needs {length} distinct element names, got {elementNames.Count}", nameof(elementNames));
        }
        Id = id;
        Name = name;
        Scope = scope;
        Kind = kind;
        Length = length;
        Unit = unit;
        ElementNames = elementNames?.ToArray();
    }

    /// <summary>Stable id.</summary>
    public string Id { get; }

    /// <summary>Label shown to people.</summary>
    public string Name { get; }

    /// <summary>Per frame or per stream.</summary>
    public ResultScope Scope { get; }

    /// <summary>Shape of the value.</summary>
    public ResultKind Kind { get; }

    /// <summary>Number of values (0 for a series).</summary>
    public int Length { get; }

    /// <summary>Unit label.</summary>
    public string Unit { get; }

    /// <summary>Names of the elements, or null.</summary>
    public IReadOnlyList<string>? ElementNames { get; }
}
