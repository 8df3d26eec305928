using System.Text.Json.Nodes;
using Tusk.Kubernetes.Client;

namespace Tusk.Tests.Kubernetes.Node;

/// <summary>
/// The single node of scripts/kube-node.sh does what the operator's end-to-end tests need:
/// a Ready node, hardened non-root pods, StatefulSets whose claims bind and keep their data,
/// ClusterIPs reachable from the test process on the host, and service-account tokens that
/// reach the API server through the <c>kubernetes</c> Service.
/// </summary>
[Collection(KubeNodeGroup.Name)]
public sealed class NodeSmokeTests(KubeNode node)
{
    private static readonly ApiResource Nodes = new("", "v1", "Node", "nodes", Namespaced: false);

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task NodeIsReadyAndNamespacesGetTheirDefaultServiceAccount()
    {
        var ready = await node.Admin.GetAsync(Nodes, null, node.NodeName);
        var condition = ready!["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Ready");
        Assert.Equal("True", (string?)condition!["status"]);
        var addresses = ready["status"]!["addresses"]!.AsArray().Select(a => (string?)a!["address"]);
        Assert.Contains(node.NodeIp, addresses);

        var ns = await NewNamespaceAsync();
        await WaitAsync($"the default ServiceAccount in {ns}", async () => await node.Admin.GetAsync(ApiResource.ServiceAccount, ns, "default") is not null);
    }

    [Fact]
    public async Task HardenedNonRootPodIsServedOnItsClusterIpToTheHost()
    {
        await node.ImportAsync(node.BusyboxArchive);
        var ns = await NewNamespaceAsync();
        await node.ApplyAsync($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: {{{ns}}}, labels: {app: web}}
            spec:
              automountServiceAccountToken: false
              securityContext:
                runAsNonRoot: true
                runAsUser: 65534
                runAsGroup: 65534
                seccompProfile: {type: RuntimeDefault}
              containers:
              - name: web
                image: {{{node.BusyboxImage}}}
                imagePullPolicy: Never
                command: [sh, -c, 'mkdir -p /tmp/www && id > /tmp/www/index.html && grep Seccomp: /proc/self/status >> /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www']
                ports: [{containerPort: 8080}]
                readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
                resources: {limits: {memory: 32Mi, cpu: 100m}}
                securityContext:
                  allowPrivilegeEscalation: false
                  readOnlyRootFilesystem: true
                  capabilities: {drop: [ALL]}
                volumeMounts: [{name: tmp, mountPath: /tmp}]
              volumes: [{name: tmp, emptyDir: {}}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: {{{ns}}} }
            spec:
              selector: {app: web}
              ports: [{port: 80, targetPort: 8080}]
            """);
        await KubectlWaitAsync(ns, "pod/web");

        var service = await node.Admin.GetAsync(ApiResource.Service, ns, "web");
        var clusterIp = (string)service!["spec"]!["clusterIP"]!;
        // Short attempts: a connection tried before kube-proxy had the endpoint keeps its
        // untranslated conntrack entry (its SYNs go nowhere); a new connection is translated.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var page = "";
        await WaitAsync($"http://{clusterIp}/ from the host", async () =>
        {
            try
            {
                page = await http.GetStringAsync(new Uri($"http://{clusterIp}/"));
                return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        });

        Assert.StartsWith("uid=65534", page, StringComparison.Ordinal);
        // 2: the process runs under a seccomp filter (the runtime's default profile).
        Assert.Matches(@"Seccomp:\s+2", page);
    }

    [Fact]
    public async Task StatefulSetClaimBindsAndKeepsItsDataWhenThePodIsRecreated()
    {
        await node.ImportAsync(node.BusyboxArchive);
        var ns = await NewNamespaceAsync();
        await node.ApplyAsync($$$"""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db, namespace: {{{ns}}} }
            spec:
              serviceName: db
              replicas: 1
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec:
                  terminationGracePeriodSeconds: 1
                  securityContext: {runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534}
                  containers:
                  - name: db
                    image: {{{node.BusyboxImage}}}
                    imagePullPolicy: Never
                    command: [sh, -c, 'echo started >> /data/starts && exec sleep 3600']
                    volumeMounts: [{name: data, mountPath: /data}]
              volumeClaimTemplates:
              - metadata: {name: data}
                spec:
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 1Gi}}
            """);
        await KubectlRolloutAsync(ns, "statefulset/db");
        var claim = await node.Admin.GetAsync(ApiResource.PersistentVolumeClaim, ns, "data-db-0");
        Assert.Equal("Bound", (string?)claim!["status"]!["phase"]);
        Assert.Equal(node.StorageClass, (string?)claim["spec"]!["storageClassName"]);
        var uid = (string?)(await node.Admin.GetAsync(ApiResource.Pod, ns, "db-0"))!["metadata"]!["uid"];

        await WaitAsync("the first start recorded in /data/starts", async () =>
            (await node.KubectlAsync("-n", ns, "exec", "db-0", "--", "cat", "/data/starts")).Contains("started", StringComparison.Ordinal));
        await node.KubectlAsync("-n", ns, "delete", "pod", "db-0", "--wait=true");
        await WaitAsync("a new db-0", async () => (string?)(await node.Admin.GetAsync(ApiResource.Pod, ns, "db-0"))?["metadata"]!["uid"] is { } now && now != uid);
        await KubectlRolloutAsync(ns, "statefulset/db");
        await KubectlWaitAsync(ns, "pod/db-0");

        // Ready as soon as the container runs; its line may follow a moment later.
        string[] starts = [];
        await WaitAsync("the second start recorded in /data/starts", async () =>
            (starts = (await node.KubectlAsync("-n", ns, "exec", "db-0", "--", "cat", "/data/starts")).Split('\n', StringSplitOptions.RemoveEmptyEntries)).Length >= 2);
        Assert.Equal(["started", "started"], starts);
    }

    [Fact]
    public async Task ServiceAccountTokenReachesTheApiServerThroughTheKubernetesClusterIp()
    {
        await node.ImportAsync(node.BusyboxArchive);
        var ns = await NewNamespaceAsync();
        await node.ApplyAsync($$$"""
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: reader, namespace: {{{ns}}} }
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: reader, namespace: {{{ns}}} }
            rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: reader, namespace: {{{ns}}} }
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
            subjects: [{kind: ServiceAccount, name: reader, namespace: {{{ns}}} }]
            """);
        await WaitAsync("the reader ServiceAccount's token", async () =>
            (await node.Admin.GetAsync(ApiResource.ServiceAccount, ns, "reader"))?["secrets"] is JsonArray { Count: > 0 });
        await node.ApplyAsync($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: client, namespace: {{{ns}}} }
            spec:
              serviceAccountName: reader
              restartPolicy: Never
              securityContext: {runAsNonRoot: true, runAsUser: 65534}
              containers:
              - name: client
                image: {{{node.BusyboxImage}}}
                imagePullPolicy: Never
                command: [sh, -c, 'echo "$KUBERNETES_SERVICE_HOST" && wget -q -O - --header "Authorization: Bearer $(cat /var/run/secrets/kubernetes.io/serviceaccount/token)" "https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT/api/v1/namespaces/{{{ns}}}/pods/client" 2>&1']
            """);
        string? phase = null;
        await WaitAsync("the client pod to finish", async () =>
            (phase = (string?)(await node.Admin.GetAsync(ApiResource.Pod, ns, "client"))?["status"]?["phase"]) is "Succeeded" or "Failed");
        var logs = await node.KubectlAsync("-n", ns, "logs", "client");
        Assert.True(phase == "Succeeded", $"the client pod {phase}: {logs}");
        // The pod printed the API server address it was given (the kubernetes Service's ClusterIP),
        // then wget's notes, then the API server's answer to its token: its own pod object.
        // wget's notes go to stdout too (2>&1): the runtime logs the two streams separately, so a
        // note on stderr could come before the address.
        Assert.Equal(node.ApiServiceIp, logs[..logs.IndexOf('\n', StringComparison.Ordinal)]);
        var answer = JsonNode.Parse(logs[logs.IndexOf('{', StringComparison.Ordinal)..])!;
        Assert.Equal("client", (string?)answer["metadata"]!["name"]);
        Assert.Equal(ns, (string?)answer["metadata"]!["namespace"]);
    }

    private async Task<string> NewNamespaceAsync()
    {
        var name = "smoke-" + Guid.NewGuid().ToString("N")[..8];
        await node.Admin.CreateAsync(ApiResource.Namespace, null, new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = name },
        });
        return name;
    }

    private async Task KubectlWaitAsync(string ns, string what)
    {
        try
        {
            await node.KubectlAsync("-n", ns, "wait", "--for=condition=Ready", what, "--timeout=" + (int)Patience.TotalSeconds + "s");
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{ns}/{what} not Ready: {e.Message}\n{await node.DumpDiagnosticsAsync()}", e);
        }
    }

    private async Task KubectlRolloutAsync(string ns, string what)
    {
        try
        {
            await node.KubectlAsync("-n", ns, "rollout", "status", what, "--timeout=" + (int)Patience.TotalSeconds + "s");
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{ns}/{what} did not roll out: {e.Message}\n{await node.DumpDiagnosticsAsync()}", e);
        }
    }

    private async Task WaitAsync(string what, Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no {what} within {Patience.TotalSeconds} s\n{await node.DumpDiagnosticsAsync()}");
            }

            await Task.Delay(250);
        }
    }
}
