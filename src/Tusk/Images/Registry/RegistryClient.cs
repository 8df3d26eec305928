using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Tusk.Images.Registry;

/// <summary>
/// A small Registry HTTP API v2 client: manifests, blobs, tags, uploads. Authentication follows
/// the registry's challenge: anonymous (or credentialed) bearer tokens, or basic credentials from
/// the docker config. Plain HTTP only for registries marked insecure. Every request is bounded
/// by the timeout, and a registry that does not answer is an error that says so.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly RegistryOptions _options;
    private readonly ConcurrentDictionary<string, AuthenticationHeaderValue> _authorization = new(StringComparer.Ordinal);

    public RegistryClient(RegistryOptions options)
    {
        _options = options;
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The base URL: Docker Hub's API lives at registry-1.docker.io; insecure registries use http.</summary>
    public Uri BaseUri(string registry)
    {
        var host = registry == ImageReference.DockerHub ? "registry-1.docker.io" : registry;
        return new Uri($"{(_options.Insecure.Contains(registry) ? "http" : "https")}://{host}/v2/");
    }

    public Task<RegistryResponse> GetManifestAsync(string registry, string repository, string reference, CancellationToken cancel) =>
        SendAsync(registry, repository, "pull", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUri(registry), $"{repository}/manifests/{reference}"));
            foreach (var type in MediaTypes.Manifests)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            }

            return request;
        }, cancel);

    public Task<RegistryResponse> GetBlobAsync(string registry, string repository, string digest, CancellationToken cancel) =>
        SendAsync(registry, repository, "pull", () => new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUri(registry), $"{repository}/blobs/{digest}")), cancel);

    public Task<RegistryResponse> TagsAsync(string registry, string repository, CancellationToken cancel) =>
        SendAsync(registry, repository, "pull", () => new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUri(registry), $"{repository}/tags/list?n=1")), cancel);

    public async Task<bool> BlobExistsAsync(string registry, string repository, string digest, CancellationToken cancel) =>
        (await SendAsync(registry, repository, "pull,push", () => new HttpRequestMessage(HttpMethod.Head, new Uri(BaseUri(registry), $"{repository}/blobs/{digest}")), cancel)).Ok;

    public async Task PutManifestAsync(string registry, string repository, string reference, string mediaType, byte[] content, CancellationToken cancel)
    {
        var put = await SendAsync(registry, repository, "pull,push", () => new HttpRequestMessage(HttpMethod.Put, new Uri(BaseUri(registry), $"{repository}/manifests/{reference}"))
        {
            Content = new ByteArrayContent(content) { Headers = { ContentType = new MediaTypeHeaderValue(mediaType) } },
        }, cancel);
        if (put.Status != 201)
        {
            throw Refused(registry, repository, $"store manifest {reference}", put);
        }
    }

    private static RegistryException Refused(string registry, string repository, string what, RegistryResponse response) =>
        new($"{registry} refused to {what} in {repository}: HTTP {response.Status}{(response.ErrorCode is null ? "" : $" {response.ErrorCode}")}{(response.ErrorMessage is null ? "" : $" ({response.ErrorMessage})")}");

    /// <summary>Sends a request and reads the whole answer (manifests, configs, errors: small bodies).</summary>
    private async Task<RegistryResponse> SendAsync(string registry, string repository, string actions, Func<HttpRequestMessage> build, CancellationToken cancel)
    {
        using var response = await SendRawAsync(registry, repository, actions, build, buffer: true, _options.Timeout, retry: true, cancel);
        return await ReadAsync(registry, response, cancel);
    }

    /// <summary>
    /// Sends a request (built afresh for each try); on 401 answers the challenge once and retries,
    /// unless the body cannot be sent twice (a stream). The caller disposes the response.
    /// </summary>
    private async Task<HttpResponseMessage> SendRawAsync(string registry, string repository, string actions, Func<HttpRequestMessage> build, bool buffer, TimeSpan timeout, bool retry, CancellationToken cancel)
    {
        var scope = $"repository:{repository}:{actions}";
        var key = registry + " " + scope;
        for (var attempt = 0; ; attempt++)
        {
            using var request = build();
            if (_authorization.TryGetValue(key, out var authorization))
            {
                request.Headers.Authorization = authorization;
            }

            var response = await SendOnceAsync(registry, request, buffer, timeout, cancel);
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0 && retry)
            {
                var challenge = AuthChallenge.Parse(response.Headers.WwwAuthenticate.ToString());
                var answer = await AnswerAsync(registry, challenge, scope, cancel);
                if (answer is not null)
                {
                    response.Dispose();
                    _authorization[key] = answer;
                    continue;
                }
            }

            return response;
        }
    }

    /// <summary>How long a blob of this size may take: the timeout, plus a second per MiB (so no link slower than 1 MiB/s is cut off mid-way).</summary>
    public TimeSpan TransferTimeout(long size) => _options.Timeout + TimeSpan.FromSeconds(size / (1024.0 * 1024.0));

    /// <summary>
    /// Opens a blob for streaming; the caller disposes the response and reads its body within
    /// <paramref name="transfer"/>. A failed status is returned as it is, for the caller to report.
    /// </summary>
    public Task<HttpResponseMessage> OpenBlobAsync(string registry, string repository, string digest, CancellationToken transfer) =>
        SendRawAsync(registry, repository, "pull", () => new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUri(registry), $"{repository}/blobs/{digest}")), buffer: false, _options.Timeout, retry: true, transfer);

    /// <summary>Reads a failed response's status and error code for a message.</summary>
    public static Task<RegistryResponse> ReadFailureAsync(string registry, HttpResponseMessage response, CancellationToken cancel) => ReadAsync(registry, response, cancel);

    /// <summary>
    /// Monolithic upload from a stream: POST opens the upload (and earns the push token), PUT sends
    /// the blob. The registry checks the digest, so a corrupt stream is refused, not stored.
    /// </summary>
    public async Task PutBlobAsync(string registry, string repository, string digest, Stream content, long size, CancellationToken cancel)
    {
        var open = await SendAsync(registry, repository, "pull,push", () => new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUri(registry), $"{repository}/blobs/uploads/")), cancel);
        if (open.Status != 202 || open.Location is null)
        {
            throw Refused(registry, repository, "open an upload", open);
        }

        var location = new Uri(BaseUri(registry), open.Location);
        var separator = location.Query.Length > 0 ? "&" : "?";
        var target = new Uri(location + separator + "digest=" + Uri.EscapeDataString(digest));
        using var put = await SendRawAsync(registry, repository, "pull,push", () => new HttpRequestMessage(HttpMethod.Put, target)
        {
            Content = new StreamContent(content) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream"), ContentLength = size } },
        }, buffer: true, TransferTimeout(size), retry: false, cancel);
        if (put.StatusCode != HttpStatusCode.Created)
        {
            throw Refused(registry, repository, $"store blob {digest}", await ReadAsync(registry, put, cancel));
        }
    }

    /// <summary>One request within <paramref name="timeout"/> (headers, and the body too when buffered).</summary>
    private async Task<HttpResponseMessage> SendOnceAsync(string registry, HttpRequestMessage request, bool buffer, TimeSpan timeout, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        try
        {
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (buffer)
            {
                await response.Content.LoadIntoBufferAsync(deadline.Token);
            }

            return response;
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new RegistryException($"registry {registry} did not answer within {timeout.TotalSeconds:0.#}s ({request.Method} {request.RequestUri}); check that it runs and that this machine can reach it, or raise --timeout", unreachable: true);
        }
        catch (HttpRequestException e)
        {
            var hint = !_options.Insecure.Contains(registry) && e.InnerException is System.Security.Authentication.AuthenticationException or IOException
                ? $"; if {registry} serves plain HTTP, mark it with --insecure-registry {registry}"
                : "";
            var reason = e.InnerException is { } inner && e.Message.Contains("inner exception", StringComparison.Ordinal) ? $"{e.Message.Replace(", see inner exception.", "", StringComparison.Ordinal)}: {inner.Message}" : e.Message;
            throw new RegistryException($"cannot reach registry {registry} ({request.RequestUri}): {reason.TrimEnd('.')}{hint}", unreachable: true);
        }
    }

    /// <summary>Bearer: ask the realm for a token (anonymously, or with the docker config's credentials). Basic: send those credentials.</summary>
    private async Task<AuthenticationHeaderValue?> AnswerAsync(string registry, AuthChallenge? challenge, string scope, CancellationToken cancel)
    {
        var basic = _options.Credentials.BasicFor(registry);
        if (challenge is null)
        {
            return null;
        }

        if (challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return basic is null ? null : new AuthenticationHeaderValue("Basic", basic);
        }

        if (!challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || challenge.Realm is null)
        {
            return null;
        }

        var query = new List<string>();
        if (challenge.Service is not null)
        {
            query.Add("service=" + Uri.EscapeDataString(challenge.Service));
        }

        query.Add("scope=" + Uri.EscapeDataString(challenge.Parameters.GetValueOrDefault("scope") is { } asked && !scope.EndsWith("push", StringComparison.Ordinal) ? asked : scope));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{challenge.Realm}{(challenge.Realm.Contains('?', StringComparison.Ordinal) ? "&" : "?")}{string.Join('&', query)}");
        if (basic is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
        }

        using var response = await SendOnceAsync(registry, request, buffer: true, _options.Timeout, cancel);
        if (!response.IsSuccessStatusCode)
        {
            return null; // refused: the registry's own 401 is then the answer, and the caller says to log in
        }

        using var token = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancel));
        var value = token.RootElement.TryGetProperty("token", out var t) ? t.GetString() : token.RootElement.TryGetProperty("access_token", out var a) ? a.GetString() : null;
        return value is null ? null : new AuthenticationHeaderValue("Bearer", value);
    }

    private static async Task<RegistryResponse> ReadAsync(string registry, HttpResponseMessage response, CancellationToken cancel)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancel);
        var digest = response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null;
        string? code = null, message = null;
        if (!response.IsSuccessStatusCode && body.Length > 0)
        {
            try
            {
                using var json = JsonDocument.Parse(body);
                if (json.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
                {
                    code = errors[0].TryGetProperty("code", out var c) ? c.GetString() : null;
                    message = errors[0].TryGetProperty("message", out var m) ? m.GetString() : null;
                }
            }
            catch (JsonException)
            {
                message = $"not a registry error body from {registry}";
            }
        }

        return new RegistryResponse((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, digest, response.Headers.Location?.ToString(), body, code, message);
    }
}
