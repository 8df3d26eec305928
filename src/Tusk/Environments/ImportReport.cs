namespace Tusk.Environments;

/// <summary>
/// The summary of an import. A file is one transaction: when any line fails, nothing of the file
/// is kept (<see cref="Committed"/> is false) and the counts say what would have happened.
/// </summary>
public sealed record ImportReport(IReadOnlyList<ImportLine> Lines, bool Committed)
{
    public int Total => Lines.Count;
    public int Added => Count(ImportResult.Added);
    public int Updated => Count(ImportResult.Updated);
    public int Skipped => Count(ImportResult.Skipped);
    public int Failed => Count(ImportResult.Failed);

    private int Count(ImportResult result) => Lines.Count(l => l.Result == result);

    public string Summary() =>
        $"total {Total}, added {(Committed ? Added : 0)}, updated {(Committed ? Updated : 0)}, skipped {Skipped}, failed {Failed}"
        + (Committed ? "" : " — nothing was imported (a file is one transaction); fix the failed lines and run the import again");
}
