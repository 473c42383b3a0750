using System.Reflection;
using System.Runtime.CompilerServices;

namespace Auralis.Engine.Realtime;

/// <summary>
/// Compiles methods ahead of their first call, on the calling (control) thread, so that the first audio callback does
/// not run the JIT on the audio thread (which takes locks, allocates and lasts up to a period or more).
/// </summary>
public static class Precompile
{
    /// <summary>Compiles every method and constructor declared by <paramref name="types"/> (closed generic types included).</summary>
    public static void Types(params Type[] types)
    {
        foreach (var type in types)
        {
            var instantiation = type.IsConstructedGenericType ? type.GetGenericArguments().Select(t => t.TypeHandle).ToArray() : null;
            var members = type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => !m.IsAbstract && !m.ContainsGenericParameters).Cast<MethodBase>()
                .Concat(type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance));
            foreach (var method in members)
            {
                try
                {
                    RuntimeHelpers.PrepareMethod(method.MethodHandle, instantiation);
                }
                catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidOperationException or BadImageFormatException)
                {
                    // Some methods cannot be prepared (e.g. native entry points); they are compiled at first call as usual.
                }
            }
        }
    }
}
