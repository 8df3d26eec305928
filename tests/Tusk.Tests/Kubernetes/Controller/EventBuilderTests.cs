using System.Text.Json.Nodes;
using Tusk.Kubernetes.Controller;

namespace Tusk.Tests.Kubernetes.Controller;

public sealed class EventBuilderTests
{
    private static readonly JsonObject Hippo = JsonNode.Parse("""
        {"apiVersion": "tusk.dev/v1", "kind": "PostgresCluster", "metadata": {"name": "hippo", "namespace": "db", "uid": "u-1"}}
        """)!.AsObject();

    [Fact]
    public void An_event_points_at_its_cluster_and_carries_the_reason_and_sentence()
    {
        var e = EventBuilder.Build(Hippo, "Normal", "AllInstancesReady", "hippo-0 is the primary", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        Assert.Equal("""{"apiVersion":"tusk.dev/v1","kind":"PostgresCluster","name":"hippo","namespace":"db","uid":"u-1"}""", e["involvedObject"]!.ToJsonString());
        Assert.Equal("hippo.", e["metadata"]!["generateName"]!.GetValue<string>());
        Assert.Equal("2026-01-02T03:04:05Z", e["firstTimestamp"]!.GetValue<string>());
        Assert.Equal("tusk-operator", e["source"]!["component"]!.GetValue<string>());
    }

    [Fact]
    public void A_message_longer_than_kubernetes_accepts_is_shortened_visibly()
    {
        var e = EventBuilder.Build(Hippo, "Warning", "InvalidSpec", new string('x', 2000), DateTimeOffset.UnixEpoch);
        var message = e["message"]!.GetValue<string>();
        Assert.Equal(1024, message.Length);
        Assert.EndsWith("...", message, StringComparison.Ordinal);
    }
}
