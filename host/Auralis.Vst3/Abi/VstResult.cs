namespace Auralis.Vst3.Abi;

/// <summary>VST3 <c>tresult</c> codes as defined for Linux (pluginterfaces/base/funknown.h, non-COM platforms).</summary>
internal static class VstResult
{
    public const int NoInterface = -1;
    public const int Ok = 0;
    public const int True = Ok;
    public const int False = 1;
    public const int InvalidArgument = 2;
    public const int NotImplemented = 3;
    public const int InternalError = 4;
    public const int NotInitialized = 5;
    public const int OutOfMemory = 6;
}
