using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tusk.Runtime.Local.Agent;

/// <summary>
/// The agent's HTTP API on a Unix socket in the state directory (mode 0600: only the agent's
/// user may drive it). Thin: every route calls one method of <see cref="LocalAgent"/>.
/// </summary>
public static class AgentHost
{
    /// <returns>False, at once, when another agent already runs for this state directory.</returns>
    public static async Task<bool> RunAsync(TuskHome home, CancellationToken cancel)
    {
        Directory.CreateDirectory(home.Root);
        using var single = TryLock(home.AgentLockFile);
        if (single is null)
        {
            return false;
        }

        File.Delete(home.Socket);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        // TUSK_METRICS_ADDRESS (e.g. 127.0.0.1:9188) also serves /metrics over TCP for Prometheus;
        // only /metrics: everything else stays on the 0600 socket.
        var metricsAddress = System.Net.IPEndPoint.TryParse(Environment.GetEnvironmentVariable("TUSK_METRICS_ADDRESS") ?? "", out var parsed) ? parsed : null;
        builder.WebHost.ConfigureKestrel(o =>
        {
            o.ListenUnixSocket(home.Socket);
            if (metricsAddress is not null)
            {
                o.Listen(metricsAddress);
            }
        });
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = Json.Options.PropertyNamingPolicy;
            o.SerializerOptions.DefaultIgnoreCondition = Json.Options.DefaultIgnoreCondition;
            // Generated code only, no reflection fallback: the same in tests as in the native AOT binary.
            o.SerializerOptions.TypeInfoResolver = AgentJson.Default;
        });
        await using var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("tusk.agent");
        app.Use(async (context, next) =>
        {
            if (context.Connection.LocalPort != 0 && context.Request.Path != "/metrics")
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            try
            {
                await next(context);
            }
            catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
            {
                // The CLI reads every answer as JSON: an empty 500 made it print a parser's stack trace.
                log.LogError(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsJsonAsync(new ActionResponse(false, $"the agent failed: {e.Message} (its log, agent.log, has the details)"), AgentJson.Default.ActionResponse);
            }
        });
        await using var agent = new LocalAgent(home, TimeProvider.System, log);

        app.MapGet("/v1/health", () => new AgentHealth(Environment.ProcessId, home.Root));
        app.MapGet("/metrics", () => Results.Text(agent.Metrics(), "text/plain; version=0.0.4"));
        app.MapGet("/v1/clusters", () => agent.List());
        // A conditional GET: with If-None-Match naming the status version the reader has, the
        // answer waits up to `wait` seconds (at most 30) for the next one, else is 304.
        app.MapGet("/v1/clusters/{ns}/{name}", async (string ns, string name, double? wait, HttpContext http, CancellationToken c) =>
        {
            var seen = StatusVersionTag.Parse(http.Request.Headers.IfNoneMatch.ToString());
            var (cluster, version) = await agent.GetAsync(ns, name, seen, TimeSpan.FromSeconds(Math.Clamp(wait ?? 0, 0, 30)), c);
            if (cluster is null)
            {
                return Results.NotFound(LocalAgent.NotFound(ns, name));
            }

            http.Response.Headers.ETag = StatusVersionTag.Format(version);
            return version == seen ? Results.StatusCode(StatusCodes.Status304NotModified) : Results.Ok(cluster);
        });
        app.MapPost("/v1/apply", async (ApplyRequest request, CancellationToken c) =>
        {
            var response = await agent.ApplyAsync(request, c);
            return response.Ok ? Results.Ok(response) : Results.UnprocessableEntity(response);
        });
        app.MapDelete("/v1/clusters/{ns}/{name}", async (string ns, string name, bool? purge, CancellationToken c) =>
            Reply(await agent.DeleteAsync(ns, name, purge == true, c)));
        app.MapPost("/v1/clusters/{ns}/{name}/switchover", async (string ns, string name, string? to, CancellationToken c) =>
            Reply(await agent.SwitchoverAsync(ns, name, to, c)));
        app.MapPost("/v1/clusters/{ns}/{name}/failover", async (string ns, string name, string to, CancellationToken c) =>
            Reply(await agent.FailoverAsync(ns, name, to, c)));
        app.MapPost("/v1/clusters/{ns}/{name}/backups", (string ns, string name, BackupRequest request) =>
            Reply(agent.Backup(ns, name, request)));
        app.MapGet("/v1/clusters/{ns}/{name}/backups", async (string ns, string name, CancellationToken c) =>
        {
            var (backups, message) = await agent.ListBackupsAsync(ns, name, c);
            return backups is null ? Results.BadRequest(new ActionResponse(false, message)) : Results.Ok(backups);
        });
        app.MapPost("/v1/clusters/{ns}/{name}/restore", async (string ns, string name, RestoreRequest request, CancellationToken c) =>
            Reply(await agent.RestoreAsync(ns, name, request, c)));
        app.MapPost("/v1/shutdown", async (bool? stopClusters, CancellationToken c) =>
            Reply(await agent.ShutdownAsync(stopClusters == true, c)));

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, agent.Stopping);
        await agent.LoadAsync(linked.Token);
        await app.StartAsync(linked.Token);
        File.SetUnixFileMode(home.Socket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(home.AgentPidFile, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), linked.Token);
        try
        {
            await agent.RunAsync(linked.Token);
        }
        finally
        {
            // Let the shutdown request's answer go out before the socket closes.
            await Task.Delay(100, CancellationToken.None);
            await app.StopAsync(CancellationToken.None);
            File.Delete(home.Socket);
            File.Delete(home.AgentPidFile);
        }

        return true;
    }

    /// <summary>
    /// One agent per state directory. Two (two commands starting one at once, or a command that
    /// stopped waiting for one still loading) would both supervise the same processes, and the
    /// second would take the socket from the first, which then runs on unseen. FileShare.None is
    /// an exclusive flock on Linux: the kernel releases it with the process, even on SIGKILL.
    /// </summary>
    private static FileStream? TryLock(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static IResult Reply(ActionResponse response) => response.Ok ? Results.Ok(response) : Results.BadRequest(response);
}
