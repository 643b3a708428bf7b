/// Settings of an `HTTPServer`: where it listens and how much any one client may make it hold.
public struct HTTPServerConfiguration: Sendable {
    /// Address to listen on.
    public var host: String
    /// Port to listen on (0 picks a free one).
    public var port: Int
    /// Largest request body. A larger `content-length` gets 413 before any of the body is
    /// read; a chunked body gets 413 as soon as it passes the limit. The connection then closes.
    public var maxRequestBodyBytes = 4 * 1024 * 1024
    /// Largest request head (request target, header names and values together); beyond,
    /// 431 and the connection closes.
    public var maxHeaderBytes = 16 * 1024
    /// Most header fields in one request; beyond, 431 and the connection closes.
    public var maxHeaderFields = 100
    /// How long an open connection may wait for the head of its next request (keep-alive idle
    /// time, and also the longest a client may take to send a request head).
    public var idleTimeout: Duration = .seconds(60)
    /// How long a request may take from its head to the end of its body, and a response to be
    /// written out; beyond, the connection closes (408 when a request was being received).
    public var requestTimeout: Duration = .seconds(30)
    /// Connections open at once; a connection beyond gets 503 and is closed.
    public var maxConnections = 1024
    /// Event loop threads (nil: SwiftNIO's shared group).
    public var eventLoopThreads: Int?

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}
