namespace Tusk.Bench;

/// <summary>The figures of one run of <see cref="KubeBenchmark"/>: seconds, CPU seconds, MiB.</summary>
public sealed record KubeRunResult(
    double AllObjects, double Direct, double OperatorCpu, double ServerCpu, double PeakRss, double IdleRss,
    double ChangeP50, double ChangeP99, double DirectP50, double DirectP99, double Reconciles, IReadOnlyList<string> ObjectsPerCluster);
