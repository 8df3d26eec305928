using System.Text.Json.Nodes;
using Tusk.Kubernetes.Builders;
using Tusk.Kubernetes.Client;

namespace Tusk.Tests.Kubernetes.Controller;

/// <summary>There is no kubelet in these tests: this plays it (and Patroni's role label) for a StatefulSet's pods.</summary>
internal static class PlayedKubelet
{
    /// <summary>What the kubelet and Patroni would do: the StatefulSet's pods exist, are ready, and one is labelled leader.</summary>
    public static async Task RunPodsAsync(KubeClient client, string ns, string cluster, string statefulSet, int count, int leader, string image)
    {
        for (var i = 0; i < count; i++)
        {
            var name = $"{statefulSet}-{i}";
            if (await client.GetAsync(ApiResource.Pod, ns, name) is null)
            {
                await client.CreateAsync(ApiResource.Pod, ns, new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Pod",
                    ["metadata"] = new JsonObject
                    {
                        ["name"] = name,
                        ["labels"] = new JsonObject
                        {
                            [Labels.Cluster] = cluster,
                            [Labels.InstanceSet] = "instance1",
                            [Labels.Role] = i == leader ? Labels.RoleLeader : Labels.RoleReplica,
                        },
                    },
                    ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "database", ["image"] = image }) },
                });
            }

            await client.ApplyStatusAsync(ApiResource.Pod, ns, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Pod",
                ["metadata"] = new JsonObject { ["name"] = name },
                ["status"] = new JsonObject
                {
                    ["phase"] = "Running",
                    ["podIP"] = $"10.1.0.{i + 10}",
                    ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" }),
                },
            });
        }
    }
}
