namespace Tusk.Api;

/// <summary>
/// Patroni's three timings from the two the resource exposes. Patroni 3.0.2 checks none of
/// them; measured here, ttl 4 / loop_wait 1 / retry_timeout 1 never elected a new leader while
/// ttl 5 / 1 / 2 was stable, so Tusk refuses ttl &lt; 5 and loop_wait + 2 × retry_timeout &gt; ttl.
/// </summary>
public readonly record struct PatroniTimings(int Ttl, int LoopWait, int RetryTimeout)
{
    public const int MinimumTtl = 5;

    /// <summary>retry_timeout takes what the lease leaves after one loop, split over two retries, at most Patroni's default 10 s.</summary>
    public static PatroniTimings From(int ttl, int loopWait) => new(ttl, loopWait, Math.Min(10, (ttl - loopWait) / 2));

    public bool CanElectLeader => Ttl >= MinimumTtl && LoopWait >= 1 && RetryTimeout >= 1 && LoopWait + (2 * RetryTimeout) <= Ttl;
}
