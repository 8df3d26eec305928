using System.Runtime.Versioning;
using Tusk.Runtime.Local.Backups;

namespace Tusk.Tests.Runtime.Local.Backups;

/// <summary>pgBackRest 2.45's `info --output=json`, as printed on this machine (abbreviated).</summary>
[SupportedOSPlatform("linux")]
public class PgBackRestInfoTests
{
    private const string Info = """
        [{"archive":[{"database":{"id":1,"repo-key":1},"id":"15-1","max":"00000001000000000000000C","min":"000000010000000000000001"}],
          "backup":[{
            "archive":{"start":"00000001000000000000000C","stop":"00000001000000000000000C"},
            "backrest":{"format":5,"version":"2.45"},
            "database":{"id":1,"repo-key":1},
            "error":false,
            "info":{"delta":23074561,"repository":{"delta":3051397,"size":3051397},"size":23074561},
            "label":"20261130-140814F",
            "lsn":{"start":"0/C000028","stop":"0/C000100"},
            "prior":null,"reference":null,
            "timestamp":{"start":1796047694,"stop":1796047697},
            "type":"full"}],
          "cipher":"none",
          "db":[{"id":1,"repo-key":1,"system-id":7713965444763347772,"version":"15"}],
          "name":"db",
          "repo":[{"cipher":"none","key":1,"status":{"code":0,"message":"ok"}},{"cipher":"none","key":2,"status":{"code":2,"message":"no valid backups"}}],
          "status":{"code":0,"lock":{"backup":{"held":false}},"message":"ok"}}]
        """;

    [Fact]
    public void Each_backup_has_its_label_type_repository_times_sizes_and_WAL_range()
    {
        var backup = Assert.Single(PgBackRestInfo.Backups(Info));

        Assert.Equal("20261130-140814F", backup.Label);
        Assert.Equal("full", backup.Type);
        Assert.Equal("repo1", backup.Repo);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1796047697), backup.StoppedAt);
        Assert.Equal(23074561, backup.Size);
        Assert.Equal(3051397, backup.RepoSize);
        Assert.Equal("00000001000000000000000C", backup.WalStart);
        Assert.Equal("0/C000100", backup.LsnStop);
    }

    [Fact]
    public void Each_repository_is_healthy_or_says_why_not()
    {
        var repos = PgBackRestInfo.Repos(Info);

        Assert.Equal((true, "ok"), repos["repo1"]);
        Assert.Equal((false, "no valid backups"), repos["repo2"]);
    }

    [Fact]
    public void An_empty_answer_has_no_backups() => Assert.Empty(PgBackRestInfo.Backups("[]"));
}
