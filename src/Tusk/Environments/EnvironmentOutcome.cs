namespace Tusk.Environments;

/// <summary>The result of an add, set or remove: the environment as stored, or the reasons it was refused; and how many times a lost allocation race was retried.</summary>
public sealed record EnvironmentOutcome(OutcomeKind Kind, KubeEnvironment? Environment, IReadOnlyList<string> Problems, int Retries = 0)
{
    public bool Ok => Kind == OutcomeKind.Ok;

    public static EnvironmentOutcome Stored(KubeEnvironment environment, int retries) => new(OutcomeKind.Ok, environment, [], retries);

    public static EnvironmentOutcome Refused(OutcomeKind kind, params string[] problems) => new(kind, null, problems);
}
