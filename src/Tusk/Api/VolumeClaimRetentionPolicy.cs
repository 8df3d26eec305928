using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Tusk.Api;

/// <summary>
/// What becomes of a cluster's volume claims (its instances' data and its pgBackRest
/// repositories) when the PostgresCluster is deleted; the name and values of the StatefulSet
/// field users know. Retain, the default, keeps them: deleting a resource must not delete data
/// unless asked.
/// </summary>
public sealed class VolumeClaimRetentionPolicy
{
    public const string Retain = "Retain";
    public const string Delete = "Delete";

    [AllowedValues(Retain, Delete)]
    [DefaultValue(Retain)]
    public string? WhenDeleted { get; set; }
}
