/// What a server handler knows about its call besides the messages: the method, the
/// client's metadata, the deadline and the peer.
///
/// The handler runs in a task of its own. The transport cancels that task when the client
/// resets the stream, the connection drops or the deadline passes, so handlers observe
/// cancellation the ordinary way (`Task.isCancelled`, `Task.checkCancellation()`,
/// `withTaskCancellationHandler`).
public struct ServerContext: Sendable {
    /// The method being called.
    public var method: MethodDescriptor
    /// The client's custom metadata (reserved headers such as `:path`, `te` and
    /// `grpc-timeout` are not included).
    public var metadata: Metadata
    /// When the client stops waiting, if it set a `grpc-timeout`.
    public var deadline: ContinuousClock.Instant?
    /// The remote end of the connection.
    public var peer: PeerAddress
    /// Whether the connection is encrypted and authenticated (TLS); false for cleartext HTTP/2.
    /// Secrets such as the admin token are accepted from other machines only when it is true.
    public var transportIsSecure: Bool

    public init(
        method: MethodDescriptor, metadata: Metadata, deadline: ContinuousClock.Instant?, peer: PeerAddress,
        transportIsSecure: Bool = false
    ) {
        self.method = method
        self.metadata = metadata
        self.deadline = deadline
        self.peer = peer
        self.transportIsSecure = transportIsSecure
    }
}

/// The address of the remote end of a connection.
public struct PeerAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address as gRPC names peers: `ipv4:127.0.0.1:51234`, `ipv6:[::1]:51234`, `unix:/path`.
    public var description: String
    /// Whether the peer is on this machine (127.0.0.0/8, ::1 or a Unix socket).
    public var isLoopback: Bool

    public init(description: String, isLoopback: Bool) {
        self.description = description
        self.isLoopback = isLoopback
    }
}
