using System.Runtime.Versioning;
using System.Text.Json;
using Tusk.Api;
using Tusk.Planning;
using Tusk.Planning.Backups;
using Tusk.Runtime.Local;
using Tusk.Runtime.Local.Clients;

namespace Tusk.Tests.Runtime.Local;

[SupportedOSPlatform("linux")]
public class StatusCalculatorTests
{
    private const string Leader = "hippo-instance1-0";
    private const string Replica1 = "hippo-instance1-1";
    private const string Replica2 = "hippo-instance1-2";

    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = T0.AddSeconds(10);

    private static readonly ClusterPlan Plan = new(
        "hippo",
        "default",
        15,
        5440,
        "default-hippo",
        [new MemberPlan(Leader, "instance1", 0), new MemberPlan(Replica1, "instance1", 1), new MemberPlan(Replica2, "instance1", 2)],
        PatroniTimings.From(30, 10),
        false,
        ClusterPlanner.BaseParameters,
        [],
        [],
        false);

    private static readonly List<LocalMember> Members =
        Plan.Members.Select((m, i) => new LocalMember(m, 15000 + i, 18000 + i, $"/state/clusters/default/hippo/{m.Name}")).ToList();

    private static PatroniMember Member(string name, string role, string state, long? lag = null) => new()
    {
        Name = name,
        Role = role,
        State = state,
        Timeline = 1,
        Lag = lag is null ? null : JsonDocument.Parse(lag.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)).RootElement.Clone(),
    };

    private static Dictionary<string, int?> AllPids() => new(StringComparer.Ordinal) { [Leader] = 100, [Replica1] = 101, [Replica2] = 102 };

    private static Observation Healthy(
        IReadOnlyList<PatroniMember>? members = null,
        string[]? streaming = null,
        bool writable = true,
        bool usersApplied = true,
        Dictionary<string, int?>? pids = null,
        string? diagnosis = null) => new(
            members ?? [Member(Leader, "leader", "running"), Member(Replica1, "replica", "running", 0), Member(Replica2, "replica", "running", 16)],
            new HashSet<string>(streaming ?? [Replica1, Replica2], StringComparer.Ordinal),
            writable,
            usersApplied,
            pids ?? AllPids(),
            diagnosis);

    private static ClusterStatus Compute(Observation seen, ClusterStatus? previous = null, DateTimeOffset? now = null) =>
        StatusCalculator.Compute(Plan, Members, seen, previous, generation: 3, now ?? T0);

    private static readonly Dictionary<string, (Observation Seen, string? PreviousPhase)> Scenarios = new(StringComparer.Ordinal)
    {
        ["no members yet"] = (Healthy(members: [], streaming: []), null),
        ["Patroni not answering"] = (new Observation(null, new HashSet<string>(StringComparer.Ordinal), false, false, AllPids(), null), null),
        ["all streaming, writable, users applied"] = (Healthy(), null),
        ["one replica not streaming"] = (Healthy(streaming: [Replica1]), null),
        ["one replica not streaming after Ready"] = (Healthy(streaming: [Replica1]), ClusterPhases.Ready),
        ["no leader after Ready"] = (Healthy(members: [Member(Replica1, "replica", "running"), Member(Replica2, "replica", "running")]), ClusterPhases.Ready),
        ["no leader after Degraded"] = (Healthy(members: [Member(Replica1, "replica", "running")]), ClusterPhases.Degraded),
        ["leader not running yet"] = (Healthy(members: [Member(Leader, "leader", "starting")]), null),
        ["endpoint not writable"] = (Healthy(writable: false), null),
        ["endpoint not writable after Ready"] = (Healthy(writable: false), ClusterPhases.Ready),
        ["users pending"] = (Healthy(usersApplied: false), null),
        ["a legacy master is a leader"] = (Healthy(members: [Member(Leader, "master", "running"), Member(Replica1, "replica", "running"), Member(Replica2, "replica", "running")]), null),
    };

    [Theory]
    [InlineData("no members yet", ClusterPhases.Creating, "NoLeader")]
    [InlineData("Patroni not answering", ClusterPhases.Creating, "NoLeader")]
    [InlineData("all streaming, writable, users applied", ClusterPhases.Ready, "AllInstancesStreaming")]
    [InlineData("one replica not streaming", ClusterPhases.Creating, "ReplicasNotStreaming")]
    [InlineData("one replica not streaming after Ready", ClusterPhases.Degraded, "ReplicasNotStreaming")]
    [InlineData("no leader after Ready", ClusterPhases.Degraded, "NoLeader")]
    [InlineData("no leader after Degraded", ClusterPhases.Degraded, "NoLeader")]
    [InlineData("leader not running yet", ClusterPhases.Creating, "NoLeader")]
    [InlineData("endpoint not writable", ClusterPhases.Creating, "EndpointNotWritable")]
    [InlineData("endpoint not writable after Ready", ClusterPhases.Degraded, "EndpointNotWritable")]
    [InlineData("users pending", ClusterPhases.Creating, "UsersPending")]
    [InlineData("a legacy master is a leader", ClusterPhases.Ready, "AllInstancesStreaming")]
    public void An_observation_gives_its_phase_and_reason(string scenario, string phase, string reason)
    {
        var (seen, previousPhase) = Scenarios[scenario];
        var previous = previousPhase is null ? null : new ClusterStatus { Phase = previousPhase };

        var status = Compute(seen, previous);

        Assert.Equal(phase, status.Phase);
        Assert.All(status.Conditions, c => Assert.Equal(reason, c.Reason));
        Assert.Equal(phase == ClusterPhases.Ready ? "True" : "False", Condition(status, "Ready").Status);
        Assert.Equal(phase == ClusterPhases.Creating ? "True" : "False", Condition(status, "Progressing").Status);
        Assert.Equal(phase == ClusterPhases.Degraded ? "True" : "False", Condition(status, "Degraded").Status);
        Assert.Equal(3, status.ObservedGeneration);
    }

    private static readonly RestoreStatus FailedRestore = new("time 2025-01-01 11:00:00+00", RestorePhases.Failed, T0, T0, "recovery ended before the target was reached");

    [Fact]
    public void A_failed_restore_in_place_says_the_cluster_waits_stopped_and_paused_and_both_ways_on()
    {
        var stopped = Healthy(members: [Member(Leader, "replica", "stopped")], streaming: []) with { PendingRestore = FailedRestore, RestoreInPlace = true };

        var status = Compute(stopped, new ClusterStatus { Phase = ClusterPhases.Degraded });

        Assert.Equal(ClusterPhases.Degraded, status.Phase);
        var ready = Condition(status, "Ready");
        Assert.Equal(("False", "RestoreFailed"), (ready.Status, ready.Reason));
        Assert.Equal(
            "the restore to time 2025-01-01 11:00:00+00 failed: recovery ended before the target was reached; hippo stays stopped, with Patroni paused and the data from before the restore set aside (data.before-restore-* in each member's directory): run `tusk restore hippo` again with another target, or `tusk restore hippo --abort` to go back to the data from before it",
            ready.Message);
    }

    [Fact]
    public void A_failed_restore_through_Patronis_bootstrap_offers_no_abort()
    {
        var stopped = Healthy(members: [], streaming: []) with { PendingRestore = FailedRestore };

        var ready = Condition(Compute(stopped, new ClusterStatus { Phase = ClusterPhases.Degraded }), "Ready");

        Assert.Equal(
            "the restore to time 2025-01-01 11:00:00+00 failed: recovery ended before the target was reached; hippo stays stopped, with the data from before the restore set aside (data.before-restore-* in each member's directory), until a restore succeeds: run `tusk restore hippo` again with another target",
            ready.Message);
    }

    [Fact]
    public void A_failed_clone_says_to_create_it_again_with_another_target()
    {
        var clone = Plan with { CloneFrom = new CloneSource("default", "source", null, RestoreTarget.Latest) };
        var seen = new Observation([], new HashSet<string>(StringComparer.Ordinal), false, false, AllPids(), null, PendingRestore: FailedRestore);

        var status = StatusCalculator.Compute(clone, Members, seen, previous: null, generation: 1, T0);

        Assert.Equal(("RestoreFailed", "the clone of default/source to time 2025-01-01 11:00:00+00 failed: recovery ended before the target was reached; delete hippo and create the clone again with another target"), (Condition(status, "Ready").Reason, Condition(status, "Ready").Message));
    }

    [Theory]
    [InlineData(null, "restoring to time 2025-01-01 11:00:00+00: pgBackRest copies, then PostgreSQL recovers and is promoted; until then no member leads")]
    [InlineData("aborted: m-0 starts on the data from before the restore", "aborted: m-0 starts on the data from before the restore")]
    public void A_restore_under_way_says_so_rather_than_that_Patroni_elects_a_primary(string? restoreMessage, string expected)
    {
        var restoring = Healthy(members: [Member(Leader, "replica", "stopped")], streaming: []) with { PendingRestore = FailedRestore with { Phase = RestorePhases.Running, CompletedAt = null, Message = restoreMessage } };

        var ready = Condition(Compute(restoring, new ClusterStatus { Phase = ClusterPhases.Ready }), "Ready");

        Assert.Equal(("Restoring", expected), (ready.Reason, ready.Message));
    }

    [Fact]
    public void A_clone_under_way_names_its_source()
    {
        var clone = Plan with { CloneFrom = new CloneSource("default", "source", null, RestoreTarget.Latest) };
        var seen = new Observation([], new HashSet<string>(StringComparer.Ordinal), false, false, AllPids(), null, PendingRestore: FailedRestore with { Phase = RestorePhases.Running });

        var status = StatusCalculator.Compute(clone, Members, seen, previous: null, generation: 1, T0);

        Assert.Equal((ClusterPhases.Creating, "Restoring", "cloning default/source to time 2025-01-01 11:00:00+00: Patroni restores the first member from the repository"), (status.Phase, Condition(status, "Ready").Reason, Condition(status, "Ready").Message));
    }

    [Fact]
    public void A_failed_restore_no_longer_counts_once_a_leader_serves_again()
    {
        var status = Compute(Healthy() with { PendingRestore = FailedRestore });

        Assert.Equal(ClusterPhases.Ready, status.Phase);
    }

    private static Condition Condition(ClusterStatus status, string type) => Assert.Single(status.Conditions, c => c.Type == type);

    [Fact]
    public void A_ready_cluster_names_its_primary_and_counts_its_streaming_replicas()
    {
        var status = Compute(Healthy());

        Assert.Equal($"{Leader} is the primary and 2 of 2 replicas stream from it", Condition(status, "Ready").Message);
        Assert.Equal(Leader, status.Primary);
        Assert.Equal(new Endpoints("127.0.0.1:5440", "127.0.0.1:5441"), status.Endpoints);
        Assert.Null(status.LastError);
        Assert.Equal(T0, status.UpdatedAt);
    }

    [Fact]
    public void Instances_show_leader_running_and_replicas_streaming_with_their_lag()
    {
        var status = Compute(Healthy());

        var leader = Assert.Single(status.Instances, i => i.Name == Leader);
        Assert.Equal(("leader", "running", (long?)null, 15000, (int?)100, 1), (leader.Role, leader.State, leader.LagBytes, leader.Port, leader.Pid, leader.Timeline));
        var replica = Assert.Single(status.Instances, i => i.Name == Replica2);
        Assert.Equal(("replica", "streaming", (long?)16, 15002, (int?)102, "instance1"), (replica.Role, replica.State, replica.LagBytes, replica.Port, replica.Pid, replica.InstanceSet));
    }

    [Fact]
    public void A_replica_that_does_not_stream_is_named_with_its_state()
    {
        var status = Compute(Healthy(streaming: [Replica1]));

        Assert.Equal($"1 of 2 replicas stream; waiting for {Replica2} (running)", Condition(status, "Progressing").Message);
        Assert.Equal("running", Assert.Single(status.Instances, i => i.Name == Replica2).State);
    }

    [Fact]
    public void A_member_whose_Patroni_is_not_running_is_down_whatever_the_DCS_still_says()
    {
        var pids = AllPids();
        pids[Replica2] = null;

        var status = Compute(Healthy(pids: pids));

        var replica = Assert.Single(status.Instances, i => i.Name == Replica2);
        Assert.Equal("down", replica.State);
        Assert.Null(replica.Pid);
        Assert.Equal(ClusterPhases.Creating, status.Phase);
        Assert.Contains($"{Replica2} (down)", Condition(status, "Progressing").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_member_Patroni_does_not_list_is_down_with_an_unknown_role()
    {
        var status = Compute(Healthy(members: [Member(Leader, "leader", "running"), Member(Replica1, "replica", "running")]));

        var missing = Assert.Single(status.Instances, i => i.Name == Replica2);
        Assert.Equal(("unknown", "down"), (missing.Role, missing.State));
        Assert.Equal("ReplicasNotStreaming", status.Conditions[0].Reason);
    }

    [Fact]
    public void The_endpoint_reason_names_the_leader_and_the_port()
    {
        var status = Compute(Healthy(writable: false));

        Assert.Equal($"{Leader} leads but the primary endpoint on port 5440 does not take writes yet", Condition(status, "Progressing").Message);
    }

    [Fact]
    public void Losing_the_leader_after_Ready_says_Patroni_is_electing()
    {
        var status = Compute(Healthy(members: [Member(Replica1, "replica", "running")]), new ClusterStatus { Phase = ClusterPhases.Ready });

        Assert.Equal("no member holds the leader lock; Patroni is electing a new primary", Condition(status, "Degraded").Message);
        Assert.Null(status.Primary);
    }

    [Fact]
    public void Conditions_keep_their_transition_time_while_unchanged_and_take_the_new_time_when_they_change()
    {
        var creating = Compute(Healthy(streaming: []), now: T0);
        Assert.All(creating.Conditions, c => Assert.Equal(T0, c.LastTransitionTime));

        var stillCreating = Compute(Healthy(streaming: [Replica1]), creating, T1);
        Assert.All(stillCreating.Conditions, c => Assert.Equal(T0, c.LastTransitionTime));

        var ready = Compute(Healthy(), stillCreating, T1);
        Assert.Equal(T1, Condition(ready, "Ready").LastTransitionTime);
        Assert.Equal(T1, Condition(ready, "Progressing").LastTransitionTime);
        Assert.Equal(T0, Condition(ready, "Degraded").LastTransitionTime);
    }

    [Fact]
    public void A_diagnosis_becomes_the_last_error_and_stays_until_the_cluster_is_ready()
    {
        var failing = Compute(Healthy(members: [], diagnosis: "PostgreSQL cannot start"));
        Assert.Equal("PostgreSQL cannot start", failing.LastError);

        var stillFailing = Compute(Healthy(members: []), failing);
        Assert.Equal("PostgreSQL cannot start", stillFailing.LastError);

        Assert.Null(Compute(Healthy(), stillFailing).LastError);
    }

    [Fact]
    public void A_shut_down_cluster_is_Stopped_with_every_instance_stopped()
    {
        var ready = Compute(Healthy(), now: T0);

        var stopped = StatusCalculator.Stopped(Plan, Members, ready, 4, T1);

        Assert.Equal(ClusterPhases.Stopped, stopped.Phase);
        Assert.Equal(4, stopped.ObservedGeneration);
        Assert.All(stopped.Conditions, c => Assert.Equal("Shutdown", c.Reason));
        Assert.All(stopped.Conditions, c => Assert.Equal("False", c.Status));
        Assert.Equal(T1, Condition(stopped, "Ready").LastTransitionTime);
        Assert.Equal(T0, Condition(stopped, "Progressing").LastTransitionTime);
        Assert.Equal(T0, Condition(stopped, "Degraded").LastTransitionTime);
        Assert.Equal([Leader, Replica1, Replica2], stopped.Instances.Select(i => i.Name));
        Assert.All(stopped.Instances, i => Assert.Equal("stopped", i.State));
        Assert.Null(stopped.Primary);
    }

    [Fact]
    public void A_serving_cluster_whose_archiving_fails_is_Degraded_with_pgBackRests_words_and_Ready_again_once_it_archives()
    {
        var failing = Compute(Healthy() with { ArchiveError = "[103] unable to find a valid repository: Permission denied" });

        Assert.Equal(ClusterPhases.Degraded, failing.Phase);
        var degraded = failing.Conditions.Single(c => c.Type == "Degraded");
        Assert.Equal(("True", "ArchivingFailed"), (degraded.Status, degraded.Reason));
        Assert.Contains("Permission denied", degraded.Message, StringComparison.Ordinal);
        Assert.Equal("True", failing.Conditions.Single(c => c.Type == "Ready").Status);
        Assert.Contains("Permission denied", failing.LastError, StringComparison.Ordinal);

        var fixedStatus = Compute(Healthy(), failing, T1);
        Assert.Equal(ClusterPhases.Ready, fixedStatus.Phase);
        Assert.Null(fixedStatus.LastError);
    }
}
