namespace Auralis.Vst3.Diagnostics;

/// <summary>
/// Diagnostic mode (<c>AURALIS_VST3_DIAGNOSTICS=1</c>): every <c>process</c> call measures what it allocated on the
/// audio thread and the total is reported when the instance is deactivated or destroyed. Off by default: reading the
/// allocation counter is cheap but not free.
/// </summary>
internal static class AudioThreadAllocations
{
    public const string Variable = "AURALIS_VST3_DIAGNOSTICS";

    public static bool Enabled { get; } = Environment.GetEnvironmentVariable(Variable) == "1";
}
