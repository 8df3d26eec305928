using System.Threading.Channels;
using Tusk.Kubernetes.Client;

namespace Tusk.Tests.Kubernetes.Client;

[Collection(ApiServerGroup.Name)]
public sealed class ListWatcherTests(ApiServer server)
{
    [Fact]
    public async Task The_watcher_lists_then_reports_each_change_as_it_happens()
    {
        var ns = await Namespaces.CreateAsync(server.Admin);
        await server.Admin.CreateAsync(ApiResource.ConfigMap, ns, Namespaces.ConfigMap("before"));
        var watcher = new ListWatcher(server.Admin, ApiResource.ConfigMap, ns) { WatchTimeoutSeconds = 5 };
        var events = Channel.CreateUnbounded<WatchEvent>();
        using var cancel = new CancellationTokenSource();
        var run = watcher.RunAsync(async e => await events.Writer.WriteAsync(e), cancel: cancel.Token);

        Assert.Equal((WatchEvent.Added, "before"), await NextAsync(events));
        Assert.Equal((WatchEvent.Synced, ""), await NextAsync(events));

        await server.Admin.CreateAsync(ApiResource.ConfigMap, ns, Namespaces.ConfigMap("after"));
        Assert.Equal((WatchEvent.Added, "after"), await NextAsync(events));
        await server.Admin.ApplyAsync(ApiResource.ConfigMap, ns, Namespaces.ConfigMap("after", ("k", "v")), force: true);
        Assert.Equal((WatchEvent.Modified, "after"), await NextAsync(events));

        // Past the watch's 5-second timeout the watcher reopens it without relisting.
        await Task.Delay(TimeSpan.FromSeconds(6));
        await server.Admin.DeleteAsync(ApiResource.ConfigMap, ns, "before");
        Assert.Equal((WatchEvent.Deleted, "before"), await NextAsync(events));
        Assert.Equal(1, watcher.Lists);
        Assert.Equal(["after"], watcher.Known.Keys.Select(k => k.Split('/')[1]));

        await cancel.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_watcher_whose_resource_version_is_too_old_relists_and_reports_what_vanished_meanwhile()
    {
        var ns = await Namespaces.CreateAsync(server.Admin);
        await server.Admin.CreateAsync(ApiResource.ConfigMap, ns, Namespaces.ConfigMap("doomed"));
        var watcher = new ListWatcher(server.Admin, ApiResource.ConfigMap, ns) { WatchTimeoutSeconds = 5 };
        var events = Channel.CreateUnbounded<WatchEvent>();
        var errors = new List<Exception>();
        using (var first = new CancellationTokenSource())
        {
            var run = watcher.RunAsync(async e => await events.Writer.WriteAsync(e), errors.Add, first.Token);
            Assert.Equal((WatchEvent.Added, "doomed"), await NextAsync(events));
            Assert.Equal((WatchEvent.Synced, ""), await NextAsync(events));
            await first.CancelAsync();
            await run;
        }

        // While nobody watches: one object goes, another comes, and etcd forgets the history.
        await server.Admin.DeleteAsync(ApiResource.ConfigMap, ns, "doomed");
        await server.Admin.CreateAsync(ApiResource.ConfigMap, ns, Namespaces.ConfigMap("newcomer"));
        await server.CompactEtcdAsync();

        using var second = new CancellationTokenSource();
        var resumed = watcher.RunAsync(async e => await events.Writer.WriteAsync(e), errors.Add, second.Token);
        var seen = new List<(string, string)>();
        while (seen.LastOrDefault() != (WatchEvent.Synced, ""))
        {
            seen.Add(await NextAsync(events));
        }

        Assert.Contains((WatchEvent.Deleted, "doomed"), seen);
        Assert.Contains((WatchEvent.Added, "newcomer"), seen);
        Assert.Equal(2, watcher.Lists);
        Assert.Contains(errors, e => e is KubeApiException { IsGone: true });
        await second.CancelAsync();
        await resumed;
    }

    private static async Task<(string Type, string Name)> NextAsync(Channel<WatchEvent> events)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var e = await events.Reader.ReadAsync(timeout.Token);
        return (e.Type, e.Item["metadata"]?["name"]?.GetValue<string>() ?? "");
    }
}
