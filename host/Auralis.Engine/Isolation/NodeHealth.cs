using System.Diagnostics;
using System.Globalization;
using Auralis.Engine.Graph;
using Auralis.Engine.Realtime;

namespace Auralis.Engine.Isolation;

/// <summary>
/// What the audio thread notices about a node that keeps running: blocks whose output held NaN/±Inf (replaced by
/// silence before anything downstream reads them) and blocks that took longer than the node's time budget.
/// </summary>
/// <remarks>Thread: written only by the audio thread, without allocating or locking; read from any thread.</remarks>
public sealed class NodeHealth
{
    /// <summary>A node over its budget in this many blocks is flagged as too slow.</summary>
    public const int OverBudgetFlagBlocks = 8;

    private double _budgetTicksPerFrame = double.PositiveInfinity;
    private int _nonFiniteBlocks;
    private long _firstNonFiniteAt = -1;
    private int _overBudgetBlocks;
    private long _blocks;
    private long _worstTicks;
    private int _worstFrames;

    /// <summary>Blocks whose output had non-finite samples (replaced by 0).</summary>
    public int NonFiniteBlocks => Volatile.Read(ref _nonFiniteBlocks);

    /// <summary>Graph position of the first such block, or -1.</summary>
    public long FirstNonFiniteAt => Volatile.Read(ref _firstNonFiniteAt);

    /// <summary>Blocks that took longer than the budget.</summary>
    public int OverBudgetBlocks => Volatile.Read(ref _overBudgetBlocks);

    /// <summary>Blocks processed.</summary>
    public long Blocks => Volatile.Read(ref _blocks);

    /// <summary>True once the node was over budget in <see cref="OverBudgetFlagBlocks"/> blocks.</summary>
    public bool IsOverBudget => OverBudgetBlocks >= OverBudgetFlagBlocks;

    /// <summary>Sets the budget: <paramref name="fraction"/> of each block's real-time duration. Thread: control.</summary>
    public void SetBudget(double sampleRate, double fraction)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fraction);
        _budgetTicksPerFrame = Stopwatch.Frequency / sampleRate * fraction;
    }

    /// <summary>Counts one block's processing time. Thread: audio.</summary>
    public void AccountTime(long ticks, int frames)
    {
        _blocks++;
        if (ticks > _budgetTicksPerFrame * frames)
        {
            _overBudgetBlocks++;
        }
        if (_worstFrames == 0 || ticks * _worstFrames > _worstTicks * frames)
        {
            _worstTicks = ticks;
            _worstFrames = frames;
        }
    }

    /// <summary>Replaces NaN/±Inf in the first <paramref name="frames"/> samples of each channel by 0. Thread: audio.</summary>
    public void ReplaceNonFinite(float[][] outputs, int frames, long position)
    {
        var replaced = false;
        for (var c = 0; c < outputs.Length; c++)
        {
            var samples = outputs[c].AsSpan(0, frames);
            // One vectorised pass for the common case.
            if (SampleScan.AllFinite(samples))
            {
                continue;
            }
            for (var i = 0; i < samples.Length; i++)
            {
                if (!float.IsFinite(samples[i]))
                {
                    samples[i] = 0f;
                    replaced = true;
                }
            }
        }
        if (replaced)
        {
            if (_nonFiniteBlocks == 0)
            {
                Volatile.Write(ref _firstNonFiniteAt, position);
            }
            _nonFiniteBlocks++;
        }
    }

    /// <summary>The flags as sentences naming the plugin and node; empty when healthy.</summary>
    public IReadOnlyList<string> Describe(CompiledNode node)
    {
        var who = $"plugin '{node.Descriptor.Id}' (node '{node.Id}')";
        var flags = new List<string>();
        if (NonFiniteBlocks > 0)
        {
            flags.Add(string.Create(CultureInfo.InvariantCulture,
                $"{who} produced NaN/Inf samples in {NonFiniteBlocks} blocks (first at sample {FirstNonFiniteAt}); they were replaced by silence"));
        }
        if (IsOverBudget)
        {
            var worstMs = _worstTicks * 1000.0 / Stopwatch.Frequency;
            var budgetMs = _budgetTicksPerFrame * _worstFrames * 1000.0 / Stopwatch.Frequency;
            flags.Add(string.Create(CultureInfo.InvariantCulture,
                $"{who} was over its time budget in {OverBudgetBlocks} of {Blocks} blocks (worst {worstMs:0.###} ms for a {_worstFrames}-frame block, budget {budgetMs:0.###} ms)"));
        }
        return flags;
    }
}
