using System.Runtime.Versioning;
using Tusk.Api;
using Tusk.Api.Validation;

namespace Tusk.Tests.Api;

/// <summary>Shared helpers for the resource-layer tests: a described machine, checking text, finding the repository.</summary>
[SupportedOSPlatform("linux")]
internal static class Manifests
{
    public const string FileName = "hippo.yaml";

    /// <summary>The header every test manifest starts with (lines 1–4; spec begins on line 5).</summary>
    public const string Header = "apiVersion: tusk.dev/v1\nkind: PostgresCluster\nmetadata:\n  name: hippo\n";

    /// <summary>Port 6000 is taken, only PostgreSQL 15 is installed and only pg_stat_statements among the extra libraries.</summary>
    public static readonly HostFacts OnlyPostgres15 = new(
        [15],
        port => port != 6000,
        (_, library) => library is "pg_stat_statements" or "auto_explain");

    public static CheckedCluster CheckOne(string yaml, HostFacts? host = null, bool localRuntime = true) =>
        Assert.Single(ClusterManifest.Check(yaml, FileName, host, localRuntime));

    /// <summary>Every problem as the CLI prints it.</summary>
    public static string[] Render(IEnumerable<Problem> problems) => problems.Select(p => p.ToString()).ToArray();
}
