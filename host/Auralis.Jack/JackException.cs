namespace Auralis.Jack;

/// <summary>Every reason JACK cannot be used; each reaches the user by name.</summary>
public enum JackErrorKind
{
    /// <summary>libjack.so.0 cannot be loaded.</summary>
    LibraryMissing,
    /// <summary>No JACK server is running under the requested name (Auralis never starts one).</summary>
    ServerUnavailable,
    /// <summary>Another client already uses the requested client name.</summary>
    NameTaken,
    /// <summary>The server refused the client for another reason.</summary>
    OpenFailed,
    /// <summary>A port could not be registered.</summary>
    PortFailed,
    /// <summary>The client could not be activated.</summary>
    ActivateFailed,
    /// <summary>Two ports could not be connected.</summary>
    ConnectFailed,
    /// <summary>The server shut down (or was killed) while the client ran.</summary>
    ServerShutdown,
}

/// <summary>JACK cannot be used, with the reason named and how to fix it.</summary>
public sealed class JackException(JackErrorKind kind, string message) : Exception(message)
{
    /// <summary>What went wrong.</summary>
    public JackErrorKind Kind { get; } = kind;
}
