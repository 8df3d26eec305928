namespace Tusk.Tests.Images;

/// <summary>The test classes that share one real registry (started once, images built once).</summary>
[CollectionDefinition(Name)]
public sealed class SharedRegistry : ICollectionFixture<RegistryServer>
{
    public const string Name = "Images.Registry";
}
