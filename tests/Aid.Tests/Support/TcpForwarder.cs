using System.Net.Sockets;

namespace Aid.Tests.Support;

/// <summary>
/// A loopback TCP forwarder in front of a real server (the suite's smtp4dev): the service under test connects to
/// <see cref="Port"/>, and each connection is relayed byte for byte. <see cref="CutAsync"/> makes the server unreachable as a
/// server that went away does: the port refuses connections and the connections it carried are reset (RST). <see cref="Restore"/>
/// listens on the same port again. The server behind it keeps running and keeps what it accepted, and its answers reach the
/// service only through the forwarder: a message the service recorded as sent was accepted by the server.
/// </summary>
public sealed class TcpForwarder : IAsyncDisposable
{
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly Lock _gate = new();
    private readonly HashSet<Relay> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource? _cut;
    private Task _accepting = Task.CompletedTask;
    private long _clientBytes;
    private long _cutAfter = long.MaxValue;
    private TaskCompletionSource _cutDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TcpForwarder(int port, string targetHost, int targetPort) => (Port, _targetHost, _targetPort) = (port, targetHost, targetPort);

    /// <summary>The loopback port the service connects to.</summary>
    public int Port { get; }

    /// <summary>Connections relayed so far (to tell that the service went through the forwarder).</summary>
    public int Relayed => Volatile.Read(ref _relayed);

    private int _relayed;

    /// <summary>Listens on <paramref name="port"/> (see <see cref="Smtp4dev.FreePort"/>) and relays to the target.</summary>
    public static TcpForwarder Open(int port, string targetHost, int targetPort)
    {
        var forwarder = new TcpForwarder(port, targetHost, targetPort);
        forwarder.Restore();
        return forwarder;
    }

    /// <summary>Listens again (after <see cref="CutAsync"/>) on the same port.</summary>
    public void Restore()
    {
        lock (_gate)
        {
            if (_listener is not null) return;
            var listener = new TcpListener(System.Net.IPAddress.Loopback, Port);
            // The relayed connections this port accepted before the cut may linger in TIME_WAIT; they must not keep it from listening.
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            _listener = listener;
            _cut = new CancellationTokenSource();
            _accepting = AcceptAsync(listener, _cut.Token);
        }
    }

    /// <summary>Stops listening (new connections are refused) and resets every connection it carries, on both sides.</summary>
    public async Task CutAsync()
    {
        Task accepting;
        List<Relay> open;
        lock (_gate)
        {
            if (_listener is not { } listener) return;
            _cut!.Cancel();
            listener.Stop();
            (_listener, accepting, open) = (null, _accepting, [.. _open]);
            _open.Clear();
        }
        try
        {
            foreach (var relay in open) relay.Reset();
            await accepting;
        }
        finally { _cutDone.TrySetResult(); }
    }

    /// <summary>
    /// Cuts (as <see cref="CutAsync"/>) once the service has sent <paramref name="bytes"/> more through the forwarder, wherever in
    /// a conversation that falls (mid-message, typically): a cut that lands mid-run however fast the run goes. Completes with the cut.
    /// </summary>
    public Task CutAfter(long bytes)
    {
        lock (_gate)
        {
            _cutDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _cutAfter = Interlocked.Read(ref _clientBytes) + bytes;
            return _cutDone.Task;
        }
    }

    public async ValueTask DisposeAsync() => await CutAsync();

    private async Task AcceptAsync(TcpListener listener, CancellationToken cut)
    {
        while (true)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(cut); }
            catch (Exception) when (cut.IsCancellationRequested) { return; } // cut: whatever the stopped listener throws
            _ = RelayAsync(client, cut);
        }
    }

    private async Task RelayAsync(TcpClient client, CancellationToken cut)
    {
        var relay = new Relay(client, new TcpClient());
        Task toServer = Task.CompletedTask, toClient = Task.CompletedTask;
        try
        {
            await relay.Server.ConnectAsync(_targetHost, _targetPort, cut);
            lock (_gate)
            {
                if (cut.IsCancellationRequested) { relay.Reset(); return; }
                _open.Add(relay);
            }
            Interlocked.Increment(ref _relayed);
            var (fromClient, fromServer) = (client.GetStream(), relay.Server.GetStream());
            // Either side closing ends the relay; the other side is then closed too, as a direct connection would be.
            (toServer, toClient) = (CountedCopyAsync(fromClient, fromServer, cut), fromServer.CopyToAsync(fromClient, cut));
            await Task.WhenAny(toServer, toClient);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException or InvalidOperationException) { } // reset or cut
        finally
        {
            lock (_gate) _open.Remove(relay);
            relay.Dispose();
        }
        try { await Task.WhenAll(toServer, toClient); } // the other direction ends on the closed sockets; its failure is expected
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException) { }
    }

    /// <summary>Copies what the service sends, counting it, and cuts the forwarder once the count passes <see cref="CutAfter"/>'s.</summary>
    private async Task CountedCopyAsync(NetworkStream from, NetworkStream to, CancellationToken cut)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, cut)) > 0)
        {
            var limit = Interlocked.Read(ref _cutAfter);
            if (Interlocked.Add(ref _clientBytes, read) >= limit && Interlocked.CompareExchange(ref _cutAfter, long.MaxValue, limit) == limit)
            {
                _ = CutAsync(); // resets this relay too, before the bytes that crossed the line are passed on
                return;
            }
            await to.WriteAsync(buffer.AsMemory(0, read), cut);
        }
    }

    private sealed class Relay(TcpClient client, TcpClient server) : IDisposable
    {
        // Taken now: a TcpClient forgets its socket once disposed, and the relay may end on its own while it is being cut.
        private readonly Socket[] _sockets = [client.Client, server.Client];

        public TcpClient Server => server;

        /// <summary>Closes both sockets with a reset (linger 0), as a server that dies resets its connections.</summary>
        public void Reset()
        {
            foreach (var socket in _sockets)
            {
                try { socket.LingerState = new LingerOption(true, 0); }
                catch (Exception e) when (e is ObjectDisposedException or SocketException) { } // already closed
                socket.Dispose();
            }
            Dispose();
        }

        public void Dispose()
        {
            client.Dispose();
            server.Dispose();
        }
    }
}
