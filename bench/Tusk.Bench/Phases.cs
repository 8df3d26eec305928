using System.Globalization;

namespace Tusk.Bench;

/// <summary>
/// One `tusk restore --wait`, split at the agent's two marks: until the members are stopped and the
/// data set aside (WAL switched and archived first), until the restored primary leads, and the rest
/// until the CLI saw Ready (replicas rebuilt, users checked, the CLI's polling); and, from
/// pgBackRest's log, how long its restore took (it starts with the command, beside the stop).
/// </summary>
public sealed record Phases(double BeforeStop, double RestoreUntilLeading, double UntilReady, double? PgBackRest)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{BeforeStop:0.0} s to stop, {RestoreUntilLeading:0.0} s until the restored primary leads, {UntilReady:0.0} s more until Ready{(PgBackRest is { } copy ? $"; pgBackRest's restore {copy:0.00} s of it" : "")}");

    public static string Medians(IReadOnlyList<Phases> all) => new Phases(
        new Sample("", [.. all.Select(p => p.BeforeStop)]).Median,
        new Sample("", [.. all.Select(p => p.RestoreUntilLeading)]).Median,
        new Sample("", [.. all.Select(p => p.UntilReady)]).Median,
        all.All(p => p.PgBackRest is not null) ? new Sample("", [.. all.Select(p => p.PgBackRest!.Value)]).Median : null).ToString();
}
