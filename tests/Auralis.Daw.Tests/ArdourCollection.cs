using Auralis.Daw.Tests.Support;

namespace Auralis.Daw.Tests;

/// <summary>All tests that drive Ardour share one rig (a bundle copy, scanned once) and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class ArdourCollection : ICollectionFixture<ArdourRig>
{
    public const string Name = "Ardour";
}
