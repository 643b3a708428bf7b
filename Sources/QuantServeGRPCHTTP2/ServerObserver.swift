public import QuantServeGRPC

/// Hears what a `GRPCServer` does, for metrics: every call's end, the bytes each connection
/// moves, each connection opened, refused or closed and each GOAWAY sent. QuantServeGRPCHTTP2 knows no metrics library; the layer above
/// turns these events into its own counters (QuantServe: `ServerTrafficMetrics`).
///
/// Called on the connections' event loops, once per event: keep every method cheap and never
/// block (an atomic increment, no I/O).
public protocol ServerObserver: Sendable {
    /// A call ended with `code` after `duration` from its request HEADERS. `method` is the
    /// call's `:path` when the router has a handler for it, nil otherwise (a client's unknown
    /// path must not become a label of its own).
    func callEnded(method: String?, code: Status.Code, duration: Duration)
    /// A connection read `count` bytes (HTTP/2 frames; after TLS decryption).
    func bytesReceived(_ count: Int)
    /// A connection handed `count` bytes to the socket (before TLS encryption).
    func bytesSent(_ count: Int)
    /// A connection was refused at accept (over a connection limit, or during shutdown).
    func connectionRefused()
    /// A connection was admitted; it counts against the limits until `connectionClosed()`.
    func connectionOpened()
    /// An admitted connection closed.
    func connectionClosed()
    /// The server sent GOAWAY on a connection (`reason` as the log gives it): from then on
    /// the connection takes no new calls.
    func goAwaySent(reason: String)
}

/// The connection events default to nothing, for observers that count only calls and bytes.
extension ServerObserver {
    public func connectionOpened() {}
    public func connectionClosed() {}
    public func goAwaySent(reason: String) {}
}
