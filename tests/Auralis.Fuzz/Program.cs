using SharpFuzz;

namespace Auralis.Fuzz;

/// <summary>
/// <c>Auralis.Fuzz TARGET</c> under afl-fuzz (SharpFuzz forkserver, input on stdin), or
/// <c>Auralis.Fuzz TARGET --replay FILE...</c> to run inputs once (a crash is an unhandled exception: exit non-zero).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length < 1 || !FuzzTargets.All.TryGetValue(args[0], out var target))
        {
            Console.Error.WriteLine($"usage: Auralis.Fuzz ({string.Join(" | ", FuzzTargets.All.Keys)}) [--replay FILE...]");
            return 2;
        }
        if (args.Length > 1 && args[1] == "--replay")
        {
            foreach (var file in args.Skip(2))
            {
                target(File.ReadAllBytes(file));
            }
            return 0;
        }
        Fuzzer.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target(buffer.ToArray());
        });
        return 0;
    }
}
