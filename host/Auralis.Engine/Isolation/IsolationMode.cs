namespace Auralis.Engine.Isolation;

/// <summary>
/// Where a plugin runs: <c>in-process</c> (the host's own process, the default), <c>process</c> (a sandbox process of
/// its own) or <c>process:GROUP</c> (a sandbox process shared by every node of that group).
/// </summary>
public readonly record struct IsolationMode(bool InProcess, string? Group)
{
    /// <summary>In the host process.</summary>
    public static IsolationMode Host { get; } = new(true, null);

    /// <summary>Each plugin node in a sandbox process of its own.</summary>
    public static IsolationMode OwnProcess { get; } = new(false, null);

    /// <summary>Parses <c>in-process</c>, <c>process</c> or <c>process:GROUP</c>.</summary>
    public static bool TryParse(string? text, out IsolationMode mode)
    {
        mode = Host;
        switch (text)
        {
            case "in-process":
                return true;
            case "process":
                mode = OwnProcess;
                return true;
        }
        if (text is not null && text.StartsWith("process:", StringComparison.Ordinal) && Graph.AudioGraph.IsNodeId(text[8..]))
        {
            mode = new IsolationMode(false, text[8..]);
            return true;
        }
        return false;
    }

    /// <inheritdoc />
    public override string ToString() => InProcess ? "in-process" : Group is null ? "process" : $"process:{Group}";
}
