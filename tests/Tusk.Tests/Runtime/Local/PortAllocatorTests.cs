using Tusk.Runtime.Local;

namespace Tusk.Tests.Runtime.Local;

public sealed class PortAllocatorTests
{
    [Fact]
    public void A_port_handed_out_is_reserved_so_no_other_process_is_given_it_before_its_server_binds_it()
    {
        var port = PortAllocator.FreePort(new HashSet<int>());

        Assert.True(PortAllocator.IsFree(port)); // nothing listens on it yet ...
        Assert.False(PortAllocator.TryReserve(port)); // ... but it is spoken for
        Assert.True(File.Exists(Path.Combine(Path.GetTempPath(), "tusk-ports", port.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Fact]
    public void Both_ports_of_a_pair_are_reserved()
    {
        var port = PortAllocator.FreePair();

        Assert.False(PortAllocator.TryReserve(port));
        Assert.False(PortAllocator.TryReserve(port + 1));
    }

    [Fact]
    public void A_reservation_older_than_ten_minutes_lapses()
    {
        var port = PortAllocator.FreePort(new HashSet<int>());
        File.SetLastWriteTimeUtc(Path.Combine(Path.GetTempPath(), "tusk-ports", port.ToString(System.Globalization.CultureInfo.InvariantCulture)), DateTime.UtcNow.AddMinutes(-11));

        Assert.True(PortAllocator.TryReserve(port));
        Assert.False(PortAllocator.TryReserve(port));
    }
}
