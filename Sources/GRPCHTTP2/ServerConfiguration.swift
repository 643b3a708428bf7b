/// How a `GRPCServer` listens and the limits it enforces on every connection.
public struct ServerConfiguration: Sendable {
    /// The address to bind.
    public var host: String
    /// The port to bind; 0 picks a free one (read it from `GRPCServer.port`).
    public var port: Int
    /// The largest request message accepted; longer ones fail with RESOURCE_EXHAUSTED.
    public var maxReceiveMessageBytes: Int
    /// The largest response message a handler may send; longer ones fail with RESOURCE_EXHAUSTED.
    public var maxSendMessageBytes: Int
    /// SETTINGS_MAX_CONCURRENT_STREAMS: calls one connection may have open at once.
    public var maxConcurrentStreams: Int
    /// SETTINGS_MAX_HEADER_LIST_SIZE: the largest request header list (RFC 9113 size: names,
    /// values and 32 bytes per field); larger ones fail with RESOURCE_EXHAUSTED.
    public var maxHeaderListBytes: Int
    /// The HTTP/2 flow-control window of each stream (SETTINGS_INITIAL_WINDOW_SIZE).
    public var initialStreamWindow: Int
    /// The HTTP/2 flow-control window of each connection.
    public var connectionWindow: Int
    /// A connection without open streams for this long gets GOAWAY and is closed; it also
    /// bounds how long a new connection may stay silent.
    public var idleTimeout: Duration
    /// When set, the server PINGs each connection this often and closes it when an answer
    /// takes longer than `keepaliveTimeout`.
    public var keepaliveInterval: Duration?
    /// How long a keepalive PING may go unanswered.
    public var keepaliveTimeout: Duration
    /// Event loop threads for the server's connections; nil shares NIO's singleton group.
    public var eventLoopThreads: Int?

    /// A configuration with gRPC's usual limits.
    public init(
        host: String = "127.0.0.1",
        port: Int = 50051,
        maxReceiveMessageBytes: Int = 4 * 1024 * 1024,
        maxSendMessageBytes: Int = 4 * 1024 * 1024,
        maxConcurrentStreams: Int = 100,
        maxHeaderListBytes: Int = 16 * 1024,
        initialStreamWindow: Int = 1024 * 1024,
        connectionWindow: Int = 8 * 1024 * 1024,
        idleTimeout: Duration = .seconds(300),
        keepaliveInterval: Duration? = nil,
        keepaliveTimeout: Duration = .seconds(20),
        eventLoopThreads: Int? = nil
    ) {
        self.host = host
        self.port = port
        self.maxReceiveMessageBytes = maxReceiveMessageBytes
        self.maxSendMessageBytes = maxSendMessageBytes
        self.maxConcurrentStreams = maxConcurrentStreams
        self.maxHeaderListBytes = maxHeaderListBytes
        self.initialStreamWindow = initialStreamWindow
        self.connectionWindow = connectionWindow
        self.idleTimeout = idleTimeout
        self.keepaliveInterval = keepaliveInterval
        self.keepaliveTimeout = keepaliveTimeout
        self.eventLoopThreads = eventLoopThreads
    }
}
