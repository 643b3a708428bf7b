public import QuantServeGRPC

/// How a `GRPCClient` connects and the limits it enforces.
public struct ClientConfiguration: Sendable {
    /// The largest response message accepted; longer ones fail the call with RESOURCE_EXHAUSTED.
    public var maxReceiveMessageBytes: Int
    /// The largest request message sent; longer ones fail the call with RESOURCE_EXHAUSTED.
    public var maxSendMessageBytes: Int
    /// How long `connect()` may take.
    public var connectTimeout: Duration
    /// Event loop threads; nil shares NIO's singleton group.
    public var eventLoopThreads: Int?
    /// The HTTP/2 flow-control window of each stream.
    public var initialStreamWindow: Int
    /// The HTTP/2 flow-control window of the connection.
    public var connectionWindow: Int
    /// The largest response header list accepted (SETTINGS_MAX_HEADER_LIST_SIZE).
    public var maxHeaderListBytes: Int
    /// The `user-agent` sent with every call.
    public var userAgent: String
    /// When set, the connection is TLS (ALPN h2) and calls use the `https` scheme.
    public var tls: ClientTLSConfiguration? = nil
    /// How request messages are compressed (sent as `grpc-encoding`; identity: not at all).
    /// Compressed responses in gzip or deflate are read whatever this is.
    public var requestCompression = MessageEncoding.identity

    /// A configuration with gRPC's usual limits.
    public init(
        maxReceiveMessageBytes: Int = 4 * 1024 * 1024,
        maxSendMessageBytes: Int = 4 * 1024 * 1024,
        connectTimeout: Duration = .seconds(10),
        eventLoopThreads: Int? = nil,
        initialStreamWindow: Int = 1024 * 1024,
        connectionWindow: Int = 8 * 1024 * 1024,
        maxHeaderListBytes: Int = 16 * 1024,
        userAgent: String = "quantserve-grpc-swift/1.0"
    ) {
        self.maxReceiveMessageBytes = maxReceiveMessageBytes
        self.maxSendMessageBytes = maxSendMessageBytes
        self.connectTimeout = connectTimeout
        self.eventLoopThreads = eventLoopThreads
        self.initialStreamWindow = initialStreamWindow
        self.connectionWindow = connectionWindow
        self.maxHeaderListBytes = maxHeaderListBytes
        self.userAgent = userAgent
    }
}
