public import QuantServeGRPC

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
    /// A connection without open streams for this long gets GOAWAY and is closed.
    public var idleTimeout: Duration
    /// When set, the server PINGs each connection this often and closes it when an answer
    /// takes longer than `keepaliveTimeout`.
    public var keepaliveInterval: Duration?
    /// How long a keepalive PING may go unanswered.
    public var keepaliveTimeout: Duration
    /// Event loop threads for the server's connections; nil shares NIO's singleton group.
    public var eventLoopThreads: Int?
    /// Connections open at once, all peers together; more are refused (GOAWAY, then close).
    public var maxConnections: Int
    /// Connections open at once from one peer address (port ignored); more are refused.
    public var maxConnectionsPerPeer: Int
    /// From accept to the first complete request HEADERS (client preface included): a
    /// connection that sends no request in this time is closed.
    public var handshakeTimeout: Duration
    /// From a request's HEADERS to its first complete message (or END_STREAM): a later one
    /// ends with DEADLINE_EXCEEDED.
    public var requestBodyTimeout: Duration
    /// How long a response may wait for a client that reads none of it before its stream is
    /// reset, and how long the socket may stay unwritable before the connection is cut.
    public var stalledTimeout: Duration
    /// How long a closing connection may take to write its last bytes before it is cut.
    public var closeTimeout: Duration
    /// Response bytes one connection may hold for its client (queued by calls and not yet
    /// written); beyond it the client is not reading and the connection is cut.
    public var maxBufferedOutboundBytes: Int
    /// Frame rates beyond which a client is flooding (GOAWAY ENHANCE_YOUR_CALM).
    public var floodLimits: FloodLimits
    /// When set, every connection is TLS (ALPN h2) and calls see `ServerContext.transportIsSecure`.
    public var tls: ServerTLSConfiguration? = nil
    /// How response messages are compressed for clients whose `grpc-accept-encoding` lists it
    /// (identity: never). Requests in gzip, deflate or identity are read whatever this is.
    public var responseCompression = MessageEncoding.identity
    /// When set, hears every call's end, the bytes moved and refused connections (for metrics).
    public var observer: (any ServerObserver)? = nil

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
        eventLoopThreads: Int? = nil,
        maxConnections: Int = 1024,
        maxConnectionsPerPeer: Int = 256,
        handshakeTimeout: Duration = .seconds(10),
        requestBodyTimeout: Duration = .seconds(30),
        stalledTimeout: Duration = .seconds(30),
        closeTimeout: Duration = .seconds(1),
        maxBufferedOutboundBytes: Int = 32 * 1024 * 1024,
        floodLimits: FloodLimits = FloodLimits()
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
        self.maxConnections = maxConnections
        self.maxConnectionsPerPeer = maxConnectionsPerPeer
        self.handshakeTimeout = handshakeTimeout
        self.requestBodyTimeout = requestBodyTimeout
        self.stalledTimeout = stalledTimeout
        self.closeTimeout = closeTimeout
        self.maxBufferedOutboundBytes = maxBufferedOutboundBytes
        self.floodLimits = floodLimits
    }

    /// The limits of one connection's state machine.
    var connectionLimits: ServerConnectionStateMachine.Configuration {
        .init(
            handshakeTimeout: handshakeTimeout, idleTimeout: idleTimeout, keepaliveInterval: keepaliveInterval,
            keepaliveTimeout: keepaliveTimeout, requestBodyTimeout: requestBodyTimeout, stalledTimeout: stalledTimeout,
            closeTimeout: closeTimeout, maxBufferedOutboundBytes: maxBufferedOutboundBytes, floodLimits: floodLimits
        )
    }
}
