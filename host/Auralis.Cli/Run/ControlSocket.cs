using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace Auralis.Cli.Run;

/// <summary>One client of the control socket.</summary>
internal sealed class ControlConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly BlockingCollection<string> _outbox = new(boundedCapacity: 4096);
    private readonly Thread _writer;

    public ControlConnection(Socket socket)
    {
        _socket = socket;
        _writer = new Thread(WriteLines) { IsBackground = true, Name = "control-writer" };
        _writer.Start();
    }

    /// <summary>True once the client asked for the live stream of results and statistics.</summary>
    public bool Subscribed { get; set; }

    /// <summary>Lines dropped because the client read too slowly.</summary>
    public long Dropped { get; private set; }

    /// <summary>Queues a line for the client; a client that does not keep up loses lines, never stalls the run.</summary>
    public void Send(string line)
    {
        if (!_outbox.IsAddingCompleted && !_outbox.TryAdd(line))
        {
            Dropped++;
        }
    }

    /// <summary>The socket, for the reader.</summary>
    public Socket Socket => _socket;

    public void Dispose()
    {
        _outbox.CompleteAdding();
        _writer.Join(TimeSpan.FromSeconds(2));
        _socket.Dispose();
    }

    private void WriteLines()
    {
        try
        {
            foreach (var line in _outbox.GetConsumingEnumerable())
            {
                _socket.Send(Encoding.UTF8.GetBytes(line + "\n"));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // the client went away
        }
    }
}

/// <summary>
/// The control socket of a run: a Unix domain socket taking the same line commands as standard input (see
/// docs/realtime.md), each answered by one <c>ok …</c> or <c>error …</c> line; <c>subscribe</c> adds the live stream.
/// </summary>
internal sealed class ControlSocket : IDisposable
{
    private readonly Socket _listener;
    private readonly Func<string, ControlConnection, string> _execute;
    private readonly List<ControlConnection> _connections = [];
    private readonly Thread _acceptor;
    private volatile bool _closed;

    private ControlSocket(string path, Socket listener, Func<string, ControlConnection, string> execute)
    {
        Path = path;
        _listener = listener;
        _execute = execute;
        _acceptor = new Thread(Accept) { IsBackground = true, Name = "control-accept" };
        _acceptor.Start();
    }

    /// <summary>The socket's path.</summary>
    public string Path { get; }

    /// <summary>Where a run's socket goes by default: <c>$XDG_RUNTIME_DIR/auralis/CLIENT.sock</c>, else under /tmp.</summary>
    public static string DefaultPath(string clientName)
    {
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        var directory = !string.IsNullOrEmpty(runtime) && Directory.Exists(runtime)
            ? System.IO.Path.Combine(runtime, "auralis")
            : System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"auralis-{Environment.UserName}");
        return System.IO.Path.Combine(directory, $"{clientName}.sock");
    }

    /// <summary>Listens on <paramref name="path"/> (its folder is created private to the user).</summary>
    /// <exception cref="UsageException">Another run is listening there.</exception>
    public static ControlSocket Open(string path, Func<string, ControlConnection, string> execute)
    {
        path = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory) && !OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        if (File.Exists(path))
        {
            using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                throw new UsageException($"control socket {path} is in use by another run; choose another --name or --control");
            }
            catch (SocketException)
            {
                File.Delete(path); // left behind by a run that ended without cleaning up
            }
        }
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(8);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new UsageException($"cannot listen on control socket {path}: {e.Message}");
        }
        return new ControlSocket(path, listener, execute);
    }

    /// <summary>Sends a line to every subscribed client.</summary>
    public void Broadcast(string line)
    {
        lock (_connections)
        {
            foreach (var c in _connections)
            {
                if (c.Subscribed)
                {
                    c.Send(line);
                }
            }
        }
    }

    /// <summary>Stops listening, closes every client and removes the socket file.</summary>
    public void Dispose()
    {
        _closed = true;
        _listener.Dispose();
        lock (_connections)
        {
            foreach (var c in _connections)
            {
                c.Dispose();
            }
            _connections.Clear();
        }
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
        }
    }

    private void Accept()
    {
        while (!_closed)
        {
            Socket socket;
            try
            {
                socket = _listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            var connection = new ControlConnection(socket);
            lock (_connections)
            {
                _connections.Add(connection);
            }
            new Thread(() => Serve(connection)) { IsBackground = true, Name = "control-client" }.Start();
        }
    }

    private void Serve(ControlConnection connection)
    {
        try
        {
            using var reader = new StreamReader(new NetworkStream(connection.Socket, ownsSocket: false), new UTF8Encoding(false));
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                if (line.Trim().Length > 0)
                {
                    connection.Send(_execute(line, connection));
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // the client went away
        }
        lock (_connections)
        {
            if (_connections.Remove(connection))
            {
                connection.Dispose();
            }
        }
    }
}
