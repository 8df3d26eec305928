using System.Net;
using Tusk.Kubernetes.Client;

namespace Tusk.Tests.Kubernetes.Client;

[Collection(ApiServerGroup.Name)]
public sealed class KubeClientTests(ApiServer server)
{
    [Fact]
    public async Task A_config_map_is_created_read_listed_and_deleted_with_a_client_certificate()
    {
        var ns = await Namespaces.CreateAsync(server.Admin);
        var created = await server.Admin.CreateAsync(ApiResource.ConfigMap, ns, Namespaces.ConfigMap("one", ("a", "1")));
        Assert.False(string.IsNullOrEmpty(created["metadata"]!["uid"]!.GetValue<string>()));

        var read = await server.Admin.GetAsync(ApiResource.ConfigMap, ns, "one");
        Assert.Equal("1", read!["data"]!["a"]!.GetValue<string>());

        var list = await server.Admin.ListAsync(ApiResource.ConfigMap, ns);
        Assert.Contains(list.Items, i => i["metadata"]!["name"]!.GetValue<string>() == "one");
        Assert.All(list.Items, i => Assert.Equal("ConfigMap", i["kind"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(list.ResourceVersion));

        Assert.True(await server.Admin.DeleteAsync(ApiResource.ConfigMap, ns, "one"));
        Assert.Null(await server.Admin.GetAsync(ApiResource.ConfigMap, ns, "one"));
        Assert.False(await server.Admin.DeleteAsync(ApiResource.ConfigMap, ns, "one"));
    }

    [Fact]
    public async Task Creating_an_object_twice_fails_with_the_servers_reason()
    {
        var ns = await Namespaces.CreateAsync(server.Admin);
        await server.Admin.CreateAsync(ApiResource.ConfigMap, ns, Namespaces.ConfigMap("twice"));
        var e = await Assert.ThrowsAsync<KubeApiException>(() => server.Admin.CreateAsync(ApiResource.ConfigMap, ns, Namespaces.ConfigMap("twice")));
        Assert.Equal(HttpStatusCode.Conflict, e.Status);
        Assert.Equal("AlreadyExists", e.Reason);
        Assert.Contains("\"twice\" already exists", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bearer_token_authenticates_and_a_user_without_permissions_is_told_it_is_forbidden()
    {
        using var admin = new KubeClient(server.TokenConfig(server.AdminToken));
        var ns = await Namespaces.CreateAsync(admin);
        Assert.NotNull(await admin.GetAsync(ApiResource.Namespace, null, ns));

        using var nobody = new KubeClient(server.TokenConfig(server.NobodyToken));
        var e = await Assert.ThrowsAsync<KubeApiException>(() => nobody.ListAsync(ApiResource.ConfigMap, ns));
        Assert.Equal(HttpStatusCode.Forbidden, e.Status);
        Assert.Contains(ApiServer.NobodyTokenUser, e.ServerMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_token_is_unauthorized()
    {
        using var stranger = new KubeClient(server.TokenConfig("not-a-token"));
        var e = await Assert.ThrowsAsync<KubeApiException>(() => stranger.ListAsync(ApiResource.Namespace, null));
        Assert.Equal(HttpStatusCode.Unauthorized, e.Status);
    }

    [Fact]
    public async Task A_server_certificate_from_another_CA_is_refused()
    {
        using var otherCa = Tusk.Security.CertificateAuthority.Create("other", TimeProvider.System);
        var config = server.AdminConfig() with { CaPem = otherCa.CertificatePem };
        using var client = new KubeClient(config);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.ListAsync(ApiResource.Namespace, null));
    }

    [Fact]
    public async Task Insecure_TLS_is_used_only_when_asked_for()
    {
        var withoutCa = server.AdminConfig() with { CaPem = null };
        using (var strict = new KubeClient(withoutCa))
        {
            // The test CA is not in the machine's trust store.
            await Assert.ThrowsAsync<HttpRequestException>(() => strict.ListAsync(ApiResource.Namespace, null));
        }

        using var insecure = new KubeClient(withoutCa with { InsecureSkipTlsVerify = true });
        Assert.NotEmpty((await insecure.ListAsync(ApiResource.Namespace, null)).Items);
    }

    [Fact]
    public async Task Server_side_apply_is_idempotent_and_removes_fields_tusk_stops_sending()
    {
        var ns = await Namespaces.CreateAsync(server.Admin);
        var first = await server.Admin.ApplyAsync(ApiResource.ConfigMap, ns, Namespaces.ConfigMap("applied", ("a", "1"), ("b", "2")), force: true);
        var again = await server.Admin.ApplyAsync(ApiResource.ConfigMap, ns, Namespaces.ConfigMap("applied", ("a", "1"), ("b", "2")), force: true);
        Assert.Equal(first["metadata"]!["resourceVersion"]!.GetValue<string>(), again["metadata"]!["resourceVersion"]!.GetValue<string>());

        var smaller = await server.Admin.ApplyAsync(ApiResource.ConfigMap, ns, Namespaces.ConfigMap("applied", ("a", "1")), force: true);
        Assert.Null(smaller["data"]!["b"]);
        var managers = smaller["metadata"]!["managedFields"]!.AsArray().Select(m => m!["manager"]!.GetValue<string>());
        Assert.Equal([KubeClient.FieldManager], managers);
    }

    [Fact]
    public async Task Apply_without_force_reports_a_conflict_over_a_field_someone_else_set_and_force_takes_it()
    {
        var ns = await Namespaces.CreateAsync(server.Admin);
        // Created with a plain POST: the field manager is the user agent's, not "tusk".
        await server.Admin.CreateAsync(ApiResource.ConfigMap, ns, Namespaces.ConfigMap("shared", ("a", "theirs")));
        var e = await Assert.ThrowsAsync<KubeApiException>(() => server.Admin.ApplyAsync(ApiResource.ConfigMap, ns, Namespaces.ConfigMap("shared", ("a", "ours")), force: false));
        Assert.True(e.IsConflict);
        Assert.Contains(".data.a", e.ServerMessage, StringComparison.Ordinal);

        var forced = await server.Admin.ApplyAsync(ApiResource.ConfigMap, ns, Namespaces.ConfigMap("shared", ("a", "ours")), force: true);
        Assert.Equal("ours", forced["data"]!["a"]!.GetValue<string>());
    }

    [Fact]
    public async Task Discovery_says_which_group_versions_the_server_serves()
    {
        Assert.True(await server.Admin.ServesAsync("v1"));
        Assert.True(await server.Admin.ServesAsync("apps/v1"));
        Assert.True(await server.Admin.ServesAsync("policy/v1beta1"));
        // Kubernetes 1.20 serves PodDisruptionBudgets only as v1beta1.
        Assert.False(await server.Admin.ServesAsync("policy/v1"));
    }

    [Fact]
    public async Task A_watch_reports_changes_from_a_resource_version_and_says_gone_when_it_is_too_old()
    {
        var ns = await Namespaces.CreateAsync(server.Admin);
        var start = (await server.Admin.ListAsync(ApiResource.ConfigMap, ns)).ResourceVersion;
        await server.Admin.CreateAsync(ApiResource.ConfigMap, ns, Namespaces.ConfigMap("w1"));
        await server.Admin.DeleteAsync(ApiResource.ConfigMap, ns, "w1");

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var events = new List<WatchEvent>();
        await foreach (var e in server.Admin.WatchAsync(ApiResource.ConfigMap, ns, start, cancel: cancel.Token))
        {
            events.Add(e);
            if (e.Type == WatchEvent.Deleted)
            {
                break;
            }
        }

        Assert.Equal([WatchEvent.Added, WatchEvent.Deleted], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal("w1", e.Item["metadata"]!["name"]!.GetValue<string>()));

        await server.Admin.CreateAsync(ApiResource.ConfigMap, ns, Namespaces.ConfigMap("later"));
        await server.CompactEtcdAsync();
        var gone = await Assert.ThrowsAsync<KubeApiException>(async () =>
        {
            await foreach (var e in server.Admin.WatchAsync(ApiResource.ConfigMap, ns, start, cancel: cancel.Token))
            {
                _ = e;
            }
        });
        Assert.True(gone.IsGone, gone.Message);
    }
}
