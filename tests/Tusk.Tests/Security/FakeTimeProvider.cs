namespace Tusk.Tests.Security;

/// <summary>A clock the test sets by hand (Microsoft.Extensions.TimeProvider.Testing is not referenced).</summary>
internal sealed class FakeTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
