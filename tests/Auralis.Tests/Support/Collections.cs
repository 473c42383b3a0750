namespace Auralis.Tests.Support;

/// <summary>Tests that install or rebuild packages run one at a time (they share dist/ and the system's dpkg).</summary>
[CollectionDefinition("packages", DisableParallelization = true)]
public sealed class PackagesCollection;
