using System.Net.Sockets;

namespace Aid.Tests.Support;

public sealed class FreePortTests
{
    [Fact]
    public void Ports_for_servers_a_test_starts_are_free_distinct_and_below_the_ephemeral_range()
    {
        var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
        var ephemeralFrom = int.Parse(range[0]);
        var ports = Enumerable.Range(0, 50).Select(_ => Smtp4dev.FreePort()).ToList();
        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.All(ports, p => Assert.InRange(p, 1024, ephemeralFrom - 1));
        // Nothing listens on them: each can be bound now.
        foreach (var port in ports.Take(5))
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
        }
    }
}
