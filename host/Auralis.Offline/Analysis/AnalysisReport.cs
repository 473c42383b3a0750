using Auralis.Sdk;

namespace Auralis.Offline.Analysis;

/// <summary>Frame results of one plugin: a time axis and, per result, the values at each time.</summary>
public sealed class FrameSeries
{
    /// <summary>Frame centre times in seconds (graph-input time).</summary>
    public List<double> Times { get; } = [];

    /// <summary>Per frame result id: values, <see cref="ResultInfo.Length"/> per frame, frames concatenated.</summary>
    public Dictionary<string, List<float>> Values { get; } = new(StringComparer.Ordinal);
}

/// <summary>Everything one analyzer published for one stream.</summary>
/// <param name="Descriptor">The analyzer's descriptor (result shapes and names).</param>
/// <param name="Summary">Summary values by result id.</param>
/// <param name="Frames">Frame values.</param>
public sealed record PluginAnalysis(PluginDescriptor Descriptor, IReadOnlyDictionary<string, double[]> Summary, FrameSeries Frames);

/// <summary>The analysis of one file: its facts and each analyzer's results, keyed by plugin id.</summary>
public sealed record AnalysisReport(string File, int SampleRate, int Channels, double DurationSeconds,
    IReadOnlyDictionary<string, PluginAnalysis> Plugins);

/// <summary>Collects an analyzer's frame results (offline: appends to growing lists; not for realtime use).</summary>
internal sealed class FrameCollector(PluginDescriptor descriptor, double sampleRate) : IResultSink
{
    private readonly ResultInfo[] _frameResults = descriptor.Results.Where(r => r.Scope == ResultScope.Frame).ToArray();

    public FrameSeries Series { get; } = new();

    public string? Problem { get; private set; }

    public void WriteFrame(long centreSample, ReadOnlySpan<float> values)
    {
        if (values.Length != descriptor.FrameResultWidth)
        {
            Problem ??= $"plugin '{descriptor.Id}' wrote a frame of {values.Length} values; its descriptor declares {descriptor.FrameResultWidth}";
            return;
        }
        Series.Times.Add(centreSample / sampleRate);
        var offset = 0;
        foreach (var r in _frameResults)
        {
            if (!Series.Values.TryGetValue(r.Id, out var list))
            {
                Series.Values[r.Id] = list = [];
            }
            foreach (var v in values.Slice(offset, r.Length))
            {
                list.Add(v);
            }
            offset += r.Length;
        }
    }
}

/// <summary>Collects a plugin's summary, checking each value against the descriptor.</summary>
internal sealed class SummaryCollector(PluginDescriptor descriptor) : ISummarySink
{
    public Dictionary<string, double[]> Values { get; } = new(StringComparer.Ordinal);

    public void Write(string resultId, double value) => Write(resultId, [value]);

    public void Write(string resultId, ReadOnlySpan<double> values)
    {
        var info = descriptor.Results.FirstOrDefault(r => r.Id == resultId && r.Scope == ResultScope.Summary)
            ?? throw new InvalidOperationException($"plugin '{descriptor.Id}' published summary '{resultId}', which its descriptor does not declare");
        if (info.Kind != ResultKind.Series && values.Length != info.Length)
        {
            throw new InvalidOperationException(
                $"plugin '{descriptor.Id}' published {values.Length} values for summary '{resultId}'; its descriptor declares {info.Length}");
        }
        Values[resultId] = values.ToArray();
    }
}
