using System.Diagnostics;
using Npgsql;

namespace Tusk.Bench;

/// <summary>
/// Writes through an endpoint as fast as it can, reconnecting after every failure, and keeps
/// the time of each acknowledged commit: failover time and write gaps are read from these.
/// </summary>
public sealed class Writer(Func<NpgsqlConnection> connect) : IAsyncDisposable
{
    private readonly List<(double At, int Port)> _commits = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private Task? _loop;

    public double Now => _clock.Elapsed.TotalSeconds;

    public void Start() => _loop = Task.Run(LoopAsync);

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = connect();
                await connection.OpenAsync();
                await using (var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS bench_writes (at timestamptz DEFAULT now())", connection))
                {
                    await create.ExecuteNonQueryAsync();
                }

                while (!_stop.IsCancellationRequested)
                {
                    // The member's port tells commits on the new primary from those an orphaned backend
                    // of a killed postmaster can still make on the old one.
                    await using var insert = new NpgsqlCommand("INSERT INTO bench_writes DEFAULT VALUES RETURNING inet_server_port()", connection);
                    var port = (int)(await insert.ExecuteScalarAsync())!;
                    lock (_commits)
                    {
                        _commits.Add((Now, port));
                    }

                    await Task.Delay(5);
                }
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                await Task.Delay(10);
            }
        }
    }

    /// <summary>Seconds from <paramref name="since"/> until the first commit after it (on another member than <paramref name="notOnPort"/>), waiting up to the timeout.</summary>
    public async Task<double> FirstCommitAfterAsync(double since, TimeSpan timeout, int notOnPort = 0)
    {
        var deadline = Now + timeout.TotalSeconds;
        while (Now < deadline)
        {
            lock (_commits)
            {
                var first = _commits.FirstOrDefault(c => c.At > since && c.Port != notOnPort);
                if (first.At > 0)
                {
                    return first.At - since;
                }
            }

            await Task.Delay(5);
        }

        throw new TimeoutException("no write succeeded after the event");
    }

    /// <summary>The longest time between two consecutive commits within a window.</summary>
    public double LongestGap(double from, double to)
    {
        lock (_commits)
        {
            var times = _commits.Select(c => c.At).Where(t => t >= from && t <= to).ToList();
            return times.Zip(times.Skip(1), (a, b) => b - a).DefaultIfEmpty(to - from).Max();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
    }
}
