using System.Text.Json.Nodes;
using Tusk.Api.Schema;
using Tusk.Kubernetes.Client;

namespace Tusk.Tests.Kubernetes.Crd;

/// <summary>Installs the committed CRD into the shared test API server (once) and waits until it is Established.</summary>
internal static class CrdInstaller
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task<JsonObject> InstallAsync(KubeClient client)
    {
        await Gate.WaitAsync();
        try
        {
            var crd = CommittedCrd();
            await client.ApplyAsync(ApiResource.CustomResourceDefinition, null, crd, force: true);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                var current = await client.GetAsync(ApiResource.CustomResourceDefinition, null, CrdGenerator.Name);
                var conditions = current?["status"]?["conditions"]?.AsArray() ?? [];
                if (conditions.Any(c => c!["type"]!.GetValue<string>() == "Established" && c["status"]!.GetValue<string>() == "True"))
                {
                    return current!;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"the CRD did not become Established: {conditions.ToJsonString()}");
                }

                await Task.Delay(100);
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    public static JsonObject CommittedCrd() => ReadYaml("deploy/crd/postgresclusters.tusk.dev.yaml");

    public static JsonObject ReadYaml(string relative)
    {
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        using var reader = new StreamReader(Repository.File(relative));
        stream.Load(reader);
        return (JsonObject)YamlJson.ToJson(stream.Documents[0].RootNode)!;
    }
}
