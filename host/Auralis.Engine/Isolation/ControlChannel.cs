using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Auralis.Engine.Isolation;

/// <summary>
/// The sandbox's control connection: length-prefixed JSON messages over a Unix socket, for everything that is not
/// audio (create, reset, summarize, dispose). Audio never goes through it. Thread: control; one request at a time.
/// </summary>
internal sealed class ControlChannel(Socket socket) : IDisposable
{
    /// <summary>Messages larger than this are refused: the other side is broken or hostile.</summary>
    public const int MaxMessageBytes = 16 << 20;

    public void Send(JsonObject message)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(message);
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, body.Length);
        body.CopyTo(frame, 4);
        socket.Send(frame);
    }

    /// <summary>The next message, or null when the other side closed the connection (it exited or crashed).</summary>
    public JsonObject? Receive()
    {
        var header = new byte[4];
        if (!ReadExactly(header))
        {
            return null;
        }
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length is < 0 or > MaxMessageBytes)
        {
            throw new InvalidDataException($"sandbox control message of {length} bytes refused");
        }
        var body = new byte[length];
        if (!ReadExactly(body))
        {
            return null;
        }
        return JsonNode.Parse(body) as JsonObject ?? throw new InvalidDataException("sandbox control message is not a JSON object");
    }

    /// <summary>Sends <paramref name="message"/> and waits for the answer; throws with the other side's error.</summary>
    public JsonObject Call(JsonObject message, TimeSpan timeout)
    {
        socket.ReceiveTimeout = (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue);
        Send(message);
        JsonObject? reply;
        try
        {
            reply = Receive();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            throw new TimeoutException($"the sandbox process did not answer '{message["op"]}' within {timeout.TotalSeconds:0.#} s");
        }
        if (reply is null)
        {
            throw new IOException($"the sandbox process exited while handling '{message["op"]}'");
        }
        if (reply["error"] is JsonNode error)
        {
            throw new SandboxRequestException(error.GetValue<string>());
        }
        return reply;
    }

    private bool ReadExactly(byte[] buffer)
    {
        var at = 0;
        while (at < buffer.Length)
        {
            int n;
            try
            {
                n = socket.Receive(buffer, at, buffer.Length - at, SocketFlags.None);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown)
            {
                return false;
            }
            if (n == 0)
            {
                return false;
            }
            at += n;
        }
        return true;
    }

    public void Dispose() => socket.Dispose();
}

/// <summary>The sandbox process refused or failed a request (e.g. the plugin's Initialize threw there).</summary>
public sealed class SandboxRequestException(string message) : Exception(message);
