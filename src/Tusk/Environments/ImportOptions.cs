namespace Tusk.Environments;

/// <summary>How an import treats environments already stored, and the seed's management cluster.</summary>
public sealed record ImportOptions(bool Update = false, bool IncludeDevops = false)
{
    /// <summary>The management cluster of the seed's setup, which runs the inventory itself and is not one of the environments.</summary>
    public const string DevopsName = "devops";
}
