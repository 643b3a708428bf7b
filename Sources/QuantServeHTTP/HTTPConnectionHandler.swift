import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Tells a connection that the server is shutting down: it closes once idle, after the
/// response in progress (sent with `connection: close`) otherwise.
struct HTTPShutdownEvent {}

/// Serves one HTTP/1.1 connection, one request at a time: collects a request within the
/// configured limits, runs its route's handler in a task, writes the response, and then
/// keeps the connection for the next request or closes it. Reading pauses while a request
/// is handled, so a client that pipelines can make the server hold at most what the decoder
/// already had. Sits behind NIOHTTP1's decoder, which enforces the header limits.
final class HTTPConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        /// Waiting for the head of the next request.
        case idle
        /// Collecting the body of a request.
        case receiving(HTTPRequestHead, body: ByteBuffer)
        /// A handler is computing the response.
        case handling(keepAlive: Bool)
        /// The response is being written out.
        case writing(keepAlive: Bool)
        /// A final response is being written; everything else is ignored.
        case closing
    }

    private let router: HTTPRouter
    private let configuration: HTTPServerConfiguration
    private let logger: Logger
    /// Why the server refused this connection (answered with 503), if it did.
    private let refusal: String?
    private var state = State.idle
    private var timeout: Scheduled<Void>?
    private var handlerTask: Task<Void, Never>?
    /// Request parts that arrived while a request was handled.
    private var queued: [HTTPServerRequestPart] = []
    /// Whether a read was held back while a request was handled.
    private var readPending = false
    private var shuttingDown = false

    init(router: HTTPRouter, configuration: HTTPServerConfiguration, logger: Logger, refusal: String?) {
        self.router = router
        self.configuration = configuration
        self.logger = logger
        self.refusal = refusal
    }

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        if let refusal {
            respondAndClose(context, router.refusalResponse(503, refusal))
        } else {
            arm(context, configuration.idleTimeout)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timeout?.cancel()
        timeout = nil
        handlerTask?.cancel()
        handlerTask = nil
        state = .closing
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch state {
        case .handling, .writing: queued.append(part)
        case .closing: break
        case .idle, .receiving: process(part, context)
        }
    }

    /// Holds reads back while a request is handled or its response written.
    func read(context: ChannelHandlerContext) {
        switch state {
        case .handling, .writing: readPending = true
        case .idle, .receiving, .closing: context.read()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.close(promise: nil)
            return
        }
        switch state {
        case .idle, .receiving:
            if case .headerOverflow = parserError {
                respondAndClose(
                    context,
                    router.refusalResponse(
                        431,
                        """
                        the request head is larger than \(configuration.maxHeaderBytes) bytes \
                        or has more than \(configuration.maxHeaderFields) header fields
                        """))
            } else {
                respondAndClose(context, router.refusalResponse(400, "malformed HTTP/1.1 request (\(parserError))"))
            }
        case .handling, .writing, .closing:
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is HTTPShutdownEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        shuttingDown = true
        if case .idle = state { context.close(promise: nil) }
    }

    // MARK: - Requests

    private func process(_ part: HTTPServerRequestPart, _ context: ChannelHandlerContext) {
        switch (part, state) {
        case (.head(let head), .idle):
            begin(head, context)
        case (.body(var chunk), .receiving(let head, var body)):
            guard body.readableBytes + chunk.readableBytes <= configuration.maxRequestBodyBytes else {
                respondAndClose(context, bodyTooLarge())
                return
            }
            state = .closing  // drops the state's reference so that the append does not copy
            body.writeBuffer(&chunk)
            state = .receiving(head, body: body)
        case (.end, .receiving(let head, let body)):
            dispatch(head, body: body, context)
        default:
            respondAndClose(context, router.refusalResponse(400, "malformed HTTP/1.1 request"))
        }
    }

    private func begin(_ head: HTTPRequestHead, _ context: ChannelHandlerContext) {
        let declaredLength = head.headers.first(name: "content-length").flatMap(Int.init)
        if let declaredLength, declaredLength > configuration.maxRequestBodyBytes {
            respondAndClose(context, bodyTooLarge())
            return
        }
        if head.headers.first(name: "expect")?.lowercased() == "100-continue" {
            context.writeAndFlush(
                wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
        }
        state = .receiving(head, body: context.channel.allocator.buffer(capacity: declaredLength ?? 0))
        arm(context, configuration.requestTimeout)
    }

    private func dispatch(_ head: HTTPRequestHead, body: ByteBuffer, _ context: ChannelHandlerContext) {
        disarm()
        let keepAlive = head.isKeepAlive
        state = .handling(keepAlive: keepAlive)
        let target = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let request = HTTPRequest(
            method: head.method.rawValue, path: String(target.first ?? ""),
            query: target.count > 1 ? String(target[1]) : nil,
            headers: head.headers.map { (name: $0.name, value: $0.value) }, body: Data(buffer: body),
            remoteAddress: context.channel.remoteAddress?.ipAddress)
        let handler: HTTPRouter.Handler
        switch router.resolve(request) {
        case .success(let found): handler = found
        case .failure(let refusal):
            write(refusal.response, keepAlive: keepAlive, context)
            return
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        let logger = logger
        let router = router
        handlerTask = Task {
            let response: HTTPResponse
            do {
                response = try await handler(request)
            } catch {
                logger.error("HTTP handler failed", metadata: ["path": "\(request.path)", "error": "\(error)"])
                response = router.refusalResponse(500, "internal error")
            }
            eventLoop.execute {
                let (connection, context) = bound.value
                connection.handlerFinished(response, context)
            }
        }
    }

    private func handlerFinished(_ response: HTTPResponse, _ context: ChannelHandlerContext) {
        handlerTask = nil
        guard case .handling(let keepAlive) = state else { return }
        write(response, keepAlive: keepAlive, context)
    }

    // MARK: - Responses

    private func write(_ response: HTTPResponse, keepAlive: Bool, _ context: ChannelHandlerContext) {
        let keepAlive = keepAlive && !shuttingDown
        state = .writing(keepAlive: keepAlive)
        send(response, keepAlive: keepAlive, context).assumeIsolated().whenComplete { result in
            self.responseWritten(keepAlive: keepAlive && (try? result.get()) != nil, context)
        }
        arm(context, configuration.requestTimeout)
    }

    private func responseWritten(keepAlive: Bool, _ context: ChannelHandlerContext) {
        guard case .writing = state else { return }
        guard keepAlive else {
            state = .closing
            context.close(promise: nil)
            return
        }
        state = .idle
        arm(context, configuration.idleTimeout)
        while !queued.isEmpty {
            switch state {
            case .idle, .receiving: process(queued.removeFirst(), context)
            case .handling, .writing, .closing: return
            }
        }
        if readPending {
            readPending = false
            context.read()
        }
    }

    /// Sends `response` with `connection: close`, then closes the sending side and reads (and
    /// drops) what the client still sends for at most `lingerTime`, so that a client still
    /// sending a refused body reads the response instead of a reset; then closes. A client that
    /// does not read is cut once the request timeout passes.
    private func respondAndClose(_ context: ChannelHandlerContext, _ response: HTTPResponse) {
        if case .closing = state { return }
        if case .writing = state {
            context.close(promise: nil)
            return
        }
        state = .closing
        handlerTask?.cancel()
        send(response, keepAlive: false, context).assumeIsolated().whenComplete { _ in
            context.close(mode: .output, promise: nil)
            self.arm(context, Self.lingerTime)
        }
        arm(context, configuration.requestTimeout)
    }

    /// How long a connection closed after a final response keeps draining what the client sends.
    static let lingerTime: Duration = .seconds(1)

    private func send(_ response: HTTPResponse, keepAlive: Bool, _ context: ChannelHandlerContext) -> EventLoopFuture<
        Void
    > {
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        headers.replaceOrAdd(name: "content-length", value: String(response.body.count))
        headers.replaceOrAdd(name: "connection", value: keepAlive ? "keep-alive" : "close")
        let head = HTTPResponseHead(
            version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(data: response.body)))), promise: nil)
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        return written.futureResult
    }

    private func bodyTooLarge() -> HTTPResponse {
        router.refusalResponse(
            413, "the request body is larger than the limit of \(configuration.maxRequestBodyBytes) bytes")
    }

    // MARK: - Timeouts

    /// Closes the connection unless something disarms or re-arms the timer within `duration`.
    private func arm(_ context: ChannelHandlerContext, _ duration: Duration) {
        timeout?.cancel()
        timeout = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(duration)) {
            self.timedOut(context)
        }
    }

    private func disarm() {
        timeout?.cancel()
        timeout = nil
    }

    private func timedOut(_ context: ChannelHandlerContext) {
        timeout = nil
        switch state {
        case .receiving:
            respondAndClose(
                context,
                router.refusalResponse(408, "the request did not arrive within \(configuration.requestTimeout)"))
        case .idle, .writing, .closing:
            state = .closing
            context.close(promise: nil)
        case .handling:
            break
        }
    }
}
