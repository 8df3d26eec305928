using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Tusk.Runtime.Local;

namespace Tusk.Tests.Images;

/// <summary>
/// A token service for docker-registry's token authentication, as Docker Hub's auth.docker.io is
/// for Docker Hub: it signs JWTs (RS256, certificate in x5c) with a self-signed certificate the
/// registry trusts through rootcertbundle. Anonymous callers get pull tokens unless credentials
/// are required; then only the expected basic credentials get one. It records every request.
/// </summary>
public sealed class TokenServer : IDisposable
{
    public const string Service = "tusk-test-registry";
    public const string Issuer = "tusk-test-token-service";

    private readonly HttpListener _listener = new();
    private readonly RSA _key = RSA.Create(2048);
    private readonly X509Certificate2 _certificate;
    private readonly Task _serving;

    public TokenServer(string directory, string? requiredBasic = null)
    {
        RequiredBasic = requiredBasic;
        var request = new CertificateRequest("CN=tusk test token service", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        CertificateFile = Path.Combine(directory, "token-signer.pem");
        File.WriteAllText(CertificateFile, _certificate.ExportCertificatePem());
        Port = PortAllocator.FreePort(new HashSet<int>());
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }
    public string CertificateFile { get; }

    /// <summary>base64 "user:password" a caller must send, or null for anonymous pulls.</summary>
    public string? RequiredBasic { get; }

    /// <summary>Each token request: its query and its Authorization header (null when anonymous).</summary>
    public ConcurrentQueue<(string Query, string? Authorization)> Requests { get; } = new();

    /// <summary>The registry's auth: section (top level of its config).</summary>
    public string RegistryAuth => $"""
        auth:
          token:
            realm: http://127.0.0.1:{Port}/token
            service: {Service}
            issuer: {Issuer}
            rootcertbundle: {CertificateFile}
        """;

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var authorization = context.Request.Headers["Authorization"];
            Requests.Enqueue((context.Request.Url!.Query, authorization));
            if (RequiredBasic is not null && authorization != "Basic " + RequiredBasic)
            {
                context.Response.StatusCode = 401;
                context.Response.Close();
                continue;
            }

            var scope = context.Request.QueryString["scope"] ?? "";
            var body = Encoding.UTF8.GetBytes(new JsonObject { ["token"] = Token(scope) }.ToJsonString());
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    /// <summary>A JWT granting the scope's actions ("repository:tusk/app:pull").</summary>
    private string Token(string scope)
    {
        var parts = scope.Split(':');
        var access = new JsonArray();
        if (parts.Length == 3)
        {
            access.Add(new JsonObject { ["type"] = parts[0], ["name"] = parts[1], ["actions"] = new JsonArray(parts[2].Split(',').Select(a => (JsonNode)a).ToArray()) });
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "RS256", ["x5c"] = new JsonArray(Convert.ToBase64String(_certificate.RawData)) };
        var claims = new JsonObject
        {
            ["iss"] = Issuer, ["sub"] = "tusk-test", ["aud"] = Service,
            ["exp"] = now + 300, ["nbf"] = now - 60, ["iat"] = now, ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = access,
        };
        var signed = $"{Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString()))}.{Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()))}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signed}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
        _certificate.Dispose();
        _key.Dispose();
    }
}
