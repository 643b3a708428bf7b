public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The Prometheus scrape endpoint: `GET /metrics` over HTTP/1.1 on a port of its own, answering
/// from a `PrometheusExposition`. Small on purpose: one request per connection (the response
/// closes it), request heads bounded by NIOHTTP1's limits, a request body answered with 405 at
/// its first byte, a connection limit, and `requestTimeout` from accept to the response, after
/// which the connection closes whatever the client is doing. Anything but `GET /metrics` gets
/// 404/405, a malformed request 400.
public final class MetricsEndpoint: Sendable {
    /// Connections open at once; more are closed at accept.
    public static let maxConnections = 64
    /// How long a connection may take from accept to its response.
    public static let requestTimeout = TimeAmount.seconds(10)

    private let exposition: PrometheusExposition
    private let logger: Logger
    private let state = Mutex<(listener: (any Channel)?, open: Int)>((nil, 0))

    public init(exposition: PrometheusExposition, logger: Logger) {
        self.exposition = exposition
        self.logger = logger
    }

    /// Listens on `host`:`port` (0 picks a free port) and returns the bound port.
    public func start(host: String, port: Int) async throws -> Int {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    guard admit(channel) else { throw ChannelError.ioOnClosedChannel }
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: true)
                    try pipeline.addHandler(ScrapeHandler(exposition: exposition))
                }
            }
        let listener = try await bootstrap.bind(host: host, port: port).get()
        state.withLock { $0.listener = listener }
        return listener.localAddress?.port ?? port
    }

    /// Closes the listener (scrapes in progress finish on their own).
    public func shutdown() async {
        let listener = state.withLock { $0.listener }
        try? await listener?.close()
    }

    private func admit(_ channel: any Channel) -> Bool {
        let admitted = state.withLock { state -> Bool in
            guard state.open < Self.maxConnections else { return false }
            state.open += 1
            return true
        }
        if admitted {
            channel.closeFuture.whenComplete { [self] _ in state.withLock { $0.open -= 1 } }
        } else {
            logger.notice("refused a metrics connection over the limit", metadata: ["limit": "\(Self.maxConnections)"])
        }
        return admitted
    }
}

/// Answers one request on a metrics connection, then closes it.
private final class ScrapeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let exposition: PrometheusExposition
    private var head: HTTPRequestHead?
    private var answered = false
    private var deadline: Scheduled<Void>?

    init(exposition: PrometheusExposition) {
        self.exposition = exposition
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: MetricsEndpoint.requestTimeout) { bound.value.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            if let head { respond(to: head, hasBody: true, context: context) }
        case .end:
            if let head { respond(to: head, hasBody: false, context: context) }
        }
    }

    private func respond(to head: HTTPRequestHead, hasBody: Bool, context: ChannelHandlerContext) {
        answered = true
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let status: HTTPResponseStatus
        var contentType = "text/plain; charset=utf-8"
        var body: [UInt8]
        if path != PrometheusExposition.path {
            (status, body) = (.notFound, Array("only \(PrometheusExposition.path) is served here\n".utf8))
        } else if head.method != .GET || hasBody {
            (status, body) = (.methodNotAllowed, Array("\(PrometheusExposition.path) accepts GET without a body\n".utf8))
        } else {
            (status, body) = (.ok, exposition.render())
            contentType = PrometheusExposition.contentType
        }
        var headers = HTTPHeaders([("content-type", contentType), ("content-length", String(body.count)), ("connection", "close")])
        if status == .methodNotAllowed { headers.add(name: "allow", value: "GET") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
    }
}
