using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tusk.Kubernetes.Client;

/// <summary>
/// A small Kubernetes API client: JSON over HttpClient, objects as <see cref="JsonObject"/>.
/// It does what the operator needs and nothing else: get, list, create, delete, server-side
/// apply (one field manager, <see cref="FieldManager"/>), the status subresource, watch, and
/// discovery of served group versions. Errors from the server become <see cref="KubeApiException"/>
/// with the server's reason and message.
/// </summary>
public sealed class KubeClient : IDisposable
{
    /// <summary>The field manager Tusk applies as; every field Tusk sets is owned under this name.</summary>
    public const string FieldManager = "tusk";

    private const string ApplyPatch = "application/apply-patch+yaml";
    private readonly SocketsHttpHandler _handler;
    private readonly HttpClient _http;

    public KubeClient(KubeConfig config)
    {
        Config = config;
        _handler = CreateHandler(config);
        _http = new HttpClient(_handler, disposeHandler: true)
        {
            BaseAddress = config.Server,
            // Watches are long polls bounded by timeoutSeconds; individual calls by their cancellation token.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("tusk", "1"));
        if (config.Token is { } token)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public KubeConfig Config { get; }

    /// <summary>How long one request (not a watch) may take before it is abandoned as a transient failure.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public async Task<JsonObject?> GetAsync(ApiResource resource, string? ns, string name, CancellationToken cancel = default)
    {
        try
        {
            return await SendAsync(HttpMethod.Get, resource.ObjectPath(ns, name), null, null, cancel);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <param name="ns">null lists across all namespaces (for a namespaced resource).</param>
    public async Task<ObjectList> ListAsync(ApiResource resource, string? ns, string? labelSelector = null, CancellationToken cancel = default)
    {
        var path = resource.CollectionPath(ns) + Query(("labelSelector", labelSelector));
        var list = await SendAsync(HttpMethod.Get, path, null, null, cancel);
        var items = list["items"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
        // List items carry no apiVersion/kind; fill them so items look like objects read one by one.
        foreach (var item in items)
        {
            item["apiVersion"] ??= resource.ApiVersion;
            item["kind"] ??= resource.Kind;
        }

        return new ObjectList(items, list["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "");
    }

    public Task<JsonObject> CreateAsync(ApiResource resource, string? ns, JsonObject obj, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Post, resource.CollectionPath(ns), Body(obj, "application/json"), null, cancel);

    /// <summary>
    /// PUT: replaces the whole object. With metadata.resourceVersion set, the server refuses
    /// (409 Conflict) when the object changed since it was read: optimistic concurrency, as
    /// leader election needs.
    /// </summary>
    public Task<JsonObject> ReplaceAsync(ApiResource resource, string? ns, JsonObject obj, CancellationToken cancel = default)
    {
        var name = obj["metadata"]?["name"]?.GetValue<string>() ?? throw new ArgumentException("a replaced object needs metadata.name", nameof(obj));
        return SendAsync(HttpMethod.Put, resource.ObjectPath(ns, name), Body(obj, "application/json"), null, cancel);
    }

    /// <returns>false when there was nothing to delete.</returns>
    public async Task<bool> DeleteAsync(ApiResource resource, string? ns, string name, string propagationPolicy = "Background", CancellationToken cancel = default)
    {
        var options = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "DeleteOptions", ["propagationPolicy"] = propagationPolicy };
        try
        {
            await SendAsync(HttpMethod.Delete, resource.ObjectPath(ns, name), Body(options, "application/json"), null, cancel);
            return true;
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return false;
        }
    }

    /// <summary>
    /// Server-side apply: the server merges <paramref name="obj"/> (which must carry apiVersion,
    /// kind and metadata.name) and records Tusk as the owner of every field in it. Fields Tusk
    /// stops sending are removed if no one else owns them.
    /// </summary>
    /// <param name="force">take fields another manager owns; only for objects Tusk creates and owns entirely.</param>
    public Task<JsonObject> ApplyAsync(ApiResource resource, string? ns, JsonObject obj, bool force, CancellationToken cancel = default) =>
        ApplyAsync(resource, ns, obj, force, FieldManager, cancel);

    /// <param name="fieldManager">who owns the fields sent: another writer than the operator, such as the CLI, whose fields the operator must not drop.</param>
    public Task<JsonObject> ApplyAsync(ApiResource resource, string? ns, JsonObject obj, bool force, string fieldManager, CancellationToken cancel = default)
    {
        var name = obj["metadata"]?["name"]?.GetValue<string>() ?? throw new ArgumentException("an applied object needs metadata.name", nameof(obj));
        return SendAsync(HttpMethod.Patch, resource.ObjectPath(ns, name) + Query(("fieldManager", fieldManager), ("force", force ? "true" : null)), Body(obj, ApplyPatch), null, cancel);
    }

    /// <summary>
    /// A JSON Patch (RFC 6902): for list items that server-side apply cannot remove one by one,
    /// such as a finalizer; a "test" operation makes it fail rather than touch the wrong item.
    /// </summary>
    public Task<JsonObject> JsonPatchAsync(ApiResource resource, string? ns, string name, JsonArray operations, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Patch, resource.ObjectPath(ns, name) + Query(("fieldManager", FieldManager)),
            new StringContent(operations.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json-patch+json")), null, cancel);

    /// <summary>Server-side apply to the status subresource: <paramref name="obj"/> carries apiVersion, kind, metadata.name and status.</summary>
    public Task<JsonObject> ApplyStatusAsync(ApiResource resource, string? ns, JsonObject obj, CancellationToken cancel = default)
    {
        var name = obj["metadata"]?["name"]?.GetValue<string>() ?? throw new ArgumentException("an applied object needs metadata.name", nameof(obj));
        // The status of Tusk's own resources is written by Tusk alone: force.
        return SendAsync(HttpMethod.Patch, resource.ObjectPath(ns, name) + "/status" + Query(("fieldManager", FieldManager), ("force", "true")), Body(obj, ApplyPatch), null, cancel);
    }

    /// <summary>
    /// A JSON Merge Patch to the status subresource: <paramref name="patch"/> holds "status" with
    /// new values and null for removed keys (<see cref="JsonMergePatch.Between"/>). Removing a
    /// nested field by leaving it out of a server-side apply makes kube-apiserver 1.20 write it as
    /// null, which a custom resource's schema then refuses; a merge patch removes it.
    /// </summary>
    public Task<JsonObject> MergePatchStatusAsync(ApiResource resource, string? ns, string name, JsonObject patch, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Patch, resource.ObjectPath(ns, name) + "/status" + Query(("fieldManager", FieldManager)),
            new StringContent(patch.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/merge-patch+json")), null, cancel);

    /// <summary>Whether the server serves a group version, e.g. "policy/v1" (API discovery).</summary>
    public async Task<bool> ServesAsync(string groupVersion, CancellationToken cancel = default)
    {
        var path = groupVersion.Contains('/', StringComparison.Ordinal) ? $"/apis/{groupVersion}" : $"/api/{groupVersion}";
        try
        {
            await SendAsync(HttpMethod.Get, path, null, null, cancel);
            return true;
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return false;
        }
    }

    /// <summary>
    /// One watch request from <paramref name="resourceVersion"/>, with bookmarks, until the server
    /// closes it (after about <paramref name="timeoutSeconds"/>) or <paramref name="cancel"/> fires.
    /// An ERROR event with code 410 surfaces as a <see cref="KubeApiException"/> with <see cref="KubeApiException.IsGone"/>.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent> WatchAsync(
        ApiResource resource,
        string? ns,
        string resourceVersion,
        string? labelSelector = null,
        int timeoutSeconds = 300,
        [EnumeratorCancellation] CancellationToken cancel = default)
    {
        var path = resource.CollectionPath(ns) + Query(
            ("watch", "true"),
            ("resourceVersion", resourceVersion),
            ("allowWatchBookmarks", "true"),
            ("timeoutSeconds", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("labelSelector", labelSelector));
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        // The server ends the watch after timeoutSeconds; if the connection died instead, this
        // deadline ends it on our side, and the caller re-watches.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds) + RequestTimeout);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(response, "GET", path, cancel);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await ReadLineAsync(reader, deadline.Token, cancel) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var node = JsonNode.Parse(line)!.AsObject();
            var type = node["type"]?.GetValue<string>() ?? "";
            var obj = node["object"]?.AsObject() ?? [];
            if (type == WatchEvent.Error)
            {
                var code = obj["code"]?.GetValue<int>() ?? 500;
                throw new KubeApiException((HttpStatusCode)code, obj["reason"]?.GetValue<string>() ?? "", obj["message"]?.GetValue<string>() ?? "", "WATCH", path);
            }

            obj["apiVersion"] ??= resource.ApiVersion;
            obj["kind"] ??= resource.Kind;
            yield return new WatchEvent(type, obj);
        }
    }

    /// <summary>The next line of a watch; null at its end, or when only the client-side deadline (not the caller) cancelled it.</summary>
    private static async Task<string?> ReadLineAsync(StreamReader reader, CancellationToken deadline, CancellationToken cancel)
    {
        try
        {
            return await reader.ReadLineAsync(deadline);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>A GET whose answer is text, not an object (/readyz, /version); throws <see cref="KubeApiException"/> unless 2xx.</summary>
    /// <param name="accept">a media type other than JSON, e.g. the Table form kubectl prints.</param>
    public async Task<string> GetTextAsync(string path, string? accept = null, CancellationToken cancel = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.Accept.Clear();
            request.Headers.Accept.ParseAdd(accept);
        }

        using var response = await _http.SendAsync(request, cancel);
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(response, "GET", path, cancel);
        }

        return await response.Content.ReadAsStringAsync(cancel);
    }

    /// <summary>
    /// Runs a command in a pod's container (pods/exec) and collects what it wrote, as
    /// `kubectl exec` does, over a WebSocket with the v4.channel.k8s.io protocol: each message's
    /// first byte names its stream (1 stdout, 2 stderr, 3 the final Status with the exit code).
    /// No stdin: commands take their input from arguments, which must hold no secret.
    /// </summary>
    public async Task<ExecResult> ExecAsync(string ns, string pod, string container, IReadOnlyList<string> command, CancellationToken cancel = default)
    {
        var query = string.Join('&', command.Select(c => "command=" + Uri.EscapeDataString(c))
            .Append("container=" + Uri.EscapeDataString(container)).Append("stdout=true").Append("stderr=true"));
        var http = new Uri(Config.Server, $"{ApiResource.Pod.ObjectPath(ns, pod)}/exec?{query}");
        var uri = new UriBuilder(http) { Scheme = http.Scheme == "https" ? "wss" : "ws" }.Uri;
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v4.channel.k8s.io");
        if (Config.Token is { } token)
        {
            socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        }

        using var invoker = new HttpMessageInvoker(_handler, disposeHandler: false);
        await socket.ConnectAsync(uri, invoker, cancel);
        var streams = new[] { new MemoryStream(), new MemoryStream(), new MemoryStream(), new MemoryStream() };
        var buffer = new byte[64 * 1024];
        var channel = -1;
        while (socket.State == WebSocketState.Open)
        {
            var received = await socket.ReceiveAsync(buffer, cancel);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            var offset = 0;
            if (channel < 0 && received.Count > 0)
            {
                channel = buffer[0];
                offset = 1;
            }

            if (channel is >= 1 and <= 3)
            {
                streams[channel].Write(buffer, offset, received.Count - offset);
            }

            if (received.EndOfMessage)
            {
                channel = -1;
            }
        }

        string Text(int i) => Encoding.UTF8.GetString(streams[i].ToArray());
        return new ExecResult(ExecResult.ExitCodeOf(Text(3)), Text(1), Text(2));
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, HttpContent? body, string? accept, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body };
        if (accept is not null)
        {
            request.Headers.Accept.Clear();
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        // A connection that silently died must not hold a worker forever.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(RequestTimeout);
        HttpResponseMessage response;
        string text;
        try
        {
            response = await _http.SendAsync(request, timeout.Token);
            text = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (OperationCanceledException e) when (!cancel.IsCancellationRequested)
        {
            throw new HttpRequestException($"{method.Method} {path}: no answer within {RequestTimeout.TotalSeconds} s", e);
        }

        using var answered = response;
        if (!response.IsSuccessStatusCode)
        {
            throw ErrorFrom(response.StatusCode, text, method.Method, path);
        }

        return text.Length == 0 ? [] : JsonNode.Parse(text)?.AsObject() ?? [];
    }

    private static async Task<KubeApiException> ErrorAsync(HttpResponseMessage response, string method, string path, CancellationToken cancel) =>
        ErrorFrom(response.StatusCode, await response.Content.ReadAsStringAsync(cancel), method, path);

    private static KubeApiException ErrorFrom(HttpStatusCode statusCode, string text, string method, string path)
    {
        string reason = statusCode.ToString(), message = text;
        try
        {
            if (JsonNode.Parse(text) is JsonObject status && status["kind"]?.GetValue<string>() == "Status")
            {
                reason = status["reason"]?.GetValue<string>() ?? reason;
                message = status["message"]?.GetValue<string>() ?? text;
            }
        }
        catch (JsonException)
        {
            // Not a Status object (a proxy's page, say): keep the text as the message.
        }

        return new KubeApiException(statusCode, reason, message.Trim(), method, path);
    }

    private static StringContent Body(JsonObject obj, string mediaType) =>
        new(obj.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue(mediaType));

    private static string Query(params (string Key, string? Value)[] parameters)
    {
        var parts = parameters.Where(p => p.Value is not null).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}").ToList();
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    private static SocketsHttpHandler CreateHandler(KubeConfig config)
    {
        var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) };
        var ssl = handler.SslOptions;
        if (config.ClientCertificatePem is { } certPem)
        {
            var keyPem = config.ClientKeyPem ?? throw new KubeConfigException("the kubeconfig user has a client certificate but no client key");
            using var ephemeral = X509Certificate2.CreateFromPem(certPem, keyPem);
            // SslStream wants a certificate whose key it can use for the handshake; a PKCS#12 round trip gives one.
            ssl.ClientCertificates = [X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null)];
        }

        if (config.InsecureSkipTlsVerify)
        {
            // Only when the kubeconfig says insecure-skip-tls-verify: true, as kubectl does.
#pragma warning disable CA5359
            ssl.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (config.CaPem is { } caPem)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPem(caPem);
            ssl.RemoteCertificateValidationCallback = (_, certificate, _, errors) => VerifyAgainst(roots, certificate, errors);
        }

        return handler;
    }

    /// <summary>Trusts exactly the kubeconfig's CA (not the machine's store); the host name must still match.</summary>
    private static bool VerifyAgainst(X509Certificate2Collection roots, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (certificate is X509Certificate2 leaf)
        {
            return chain.Build(leaf);
        }

        using var loaded = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(loaded);
    }
}
