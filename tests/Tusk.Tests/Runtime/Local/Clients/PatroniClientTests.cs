using System.Net;
using System.Text.Json.Nodes;
using Tusk.Runtime.Local.Clients;

namespace Tusk.Tests.Runtime.Local.Clients;

/// <summary>
/// The client's answer to Patroni's 409 on PATCH /config, and the status query the agent sends
/// only for its side effect. The conflict comes from a race inside Patroni (its etcd cache a few
/// milliseconds behind another member's write) that a test cannot bring about on demand, so a
/// stand-in HTTP handler answers in Patroni's place; the end-to-end restore tests run both
/// against the real Patroni.
/// </summary>
public sealed class PatroniClientTests
{
    [Fact]
    public async Task A_config_PATCH_a_stand_in_for_Patroni_answers_409_is_sent_again_until_it_is_taken()
    {
        var patroni = new StandIn(HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.OK);
        var client = new PatroniClient(new HttpClient(patroni), "rest", "secret");

        var (ok, _) = await client.PatchConfigAsync(8008, new JsonObject { ["pause"] = true }, CancellationToken.None);

        Assert.True(ok);
        Assert.Equal(3, patroni.Requests.Count);
        Assert.All(patroni.Requests, body => Assert.Equal("""{"pause":true}""", body));
    }

    [Fact]
    public async Task A_stand_in_for_Patroni_that_keeps_answering_409_gets_ten_tries_then_the_PATCH_fails()
    {
        var patroni = new StandIn(Enumerable.Repeat(HttpStatusCode.Conflict, 20).ToArray());
        var client = new PatroniClient(new HttpClient(patroni), "rest", "secret");

        var (ok, _) = await client.PatchConfigAsync(8008, new JsonObject { ["pause"] = true }, CancellationToken.None);

        Assert.False(ok);
        Assert.Equal(10, patroni.Requests.Count);
    }

    [Fact]
    public async Task Any_other_refusal_from_a_stand_in_for_Patroni_is_not_tried_again()
    {
        var patroni = new StandIn(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        var client = new PatroniClient(new HttpClient(patroni), "rest", "secret");

        var (ok, _) = await client.PatchConfigAsync(8008, new JsonObject { ["pause"] = true }, CancellationToken.None);

        Assert.False(ok);
        Assert.Single(patroni.Requests);
    }

    [Fact]
    public async Task The_status_query_is_one_GET_of_the_root_whatever_a_stand_in_for_Patroni_answers()
    {
        var patroni = new StandIn(HttpStatusCode.ServiceUnavailable);
        var client = new PatroniClient(new HttpClient(patroni), "rest", "secret");

        await client.QueryPostgresOnceAsync(8008, CancellationToken.None);

        Assert.Equal(["GET /"], patroni.Requests);
    }

    [Fact]
    public async Task The_status_query_to_a_port_nothing_listens_on_returns_quietly()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // a port just freed: the connection is refused

        var error = await Record.ExceptionAsync(() => new PatroniClient(new HttpClient(), "rest", "secret").QueryPostgresOnceAsync(port, CancellationToken.None));

        Assert.Null(error);
    }

    /// <summary>Answers each request with the next status in turn and keeps the bodies it was sent (method and path for a request without one).</summary>
    private sealed class StandIn(params HttpStatusCode[] answers) : HttpMessageHandler
    {
        public List<string> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.Content is null ? $"{request.Method} {request.RequestUri!.AbsolutePath}" : await request.Content.ReadAsStringAsync(cancellationToken));
            return new HttpResponseMessage(answers[Requests.Count - 1]) { Content = new StringContent("{}") };
        }
    }
}
