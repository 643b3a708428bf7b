import GRPCCore
import Logging
import NIOCore

/// Asks a server connection to stop taking calls: GOAWAY now, in-flight calls may run until
/// `deadline`, then the rest end with UNAVAILABLE and the connection closes.
struct GracefulShutdownEvent: Sendable {
    let deadline: NIODeadline
}

/// One server connection: sniffs the first bytes (HTTP/2 preface, HTTP/1.x, garbage), feeds the
/// rest to an nghttp2 server session, starts a handler task per call and writes what the session
/// produces, batched: one flush per read burst or per wake-up from handler tasks.
final class ServerConnectionHandler: ChannelInboundHandler, NGHTTP2SessionDelegate {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let router: RPCRouter
    private let configuration: ServerConfiguration
    private let logger: Logger
    private var session: NGHTTP2Session!
    private var context: ChannelHandlerContext?
    private var loopSelf: NIOLoopBound<ServerConnectionHandler>?
    private var streams: [Int32: ServerStream] = [:]
    private var sniffer: PrefaceSniffer? = PrefaceSniffer()
    private var peer = PeerAddress(description: "unknown", isLoopback: false)
    private var inReadBurst = false
    private var flushScheduled = false
    private var closing = false
    private var draining = false
    private var idleSince: NIODeadline? = .now()
    private var idleTimer: Scheduled<Void>?
    private var graceTimer: Scheduled<Void>?
    private var keepaliveTimer: RepeatedTask?
    private var keepaliveDeadline: Scheduled<Void>?

    init(router: RPCRouter, configuration: ServerConfiguration, logger: Logger) {
        self.router = router
        self.configuration = configuration
        self.logger = logger
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        loopSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        session = NGHTTP2Session(role: .server, delegate: self, settings: .init(
            maxConcurrentStreams: configuration.maxConcurrentStreams,
            initialStreamWindow: configuration.initialStreamWindow,
            connectionWindow: configuration.connectionWindow,
            maxHeaderListBytes: configuration.maxHeaderListBytes,
            enablePush: nil
        ))
    }

    func channelActive(context: ChannelHandlerContext) {
        peer = PeerAddress(context.channel.remoteAddress)
        idleSince = .now()
        armIdleTimer()
        startKeepalive()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closing = true
        idleTimer?.cancel()
        graceTimer?.cancel()
        keepaliveTimer?.cancel()
        keepaliveDeadline?.cancel()
        let open = streams
        streams.removeAll()
        for stream in open.values where stream.phase != .finished {
            let error = RPCError(code: .unavailable, message: "the connection closed before the call completed")
            abandon(stream, error: error)
            logFailure(stream, status: error.status)
        }
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        loopSelf = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        let buffer = unwrapInboundIn(data)
        if sniffer != nil {
            sniff(buffer)
            return
        }
        inReadBurst = true
        buffer.withUnsafeReadableBytes { bytes in handle(session.receive(bytes)) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        inReadBurst = false
        flush()
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let shutdown = event as? GracefulShutdownEvent {
            beginGracefulShutdown(deadline: shutdown.deadline)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.info("connection error, closing", metadata: ["peer": "\(peer)", "error": "\(error)"])
        closing = true
        context.close(promise: nil)
    }

    // MARK: The first bytes

    private func sniff(_ buffer: ByteBuffer) {
        guard var sniffer else { return }
        let verdict = sniffer.append(buffer.readableBytesView)
        self.sniffer = sniffer
        switch verdict {
        case .needMoreBytes:
            return
        case .http1:
            self.sniffer = nil
            refuseHTTP1()
        case .http2, .garbage:
            self.sniffer = nil
            inReadBurst = true
            sniffer.bytes.withUnsafeBytes { bytes in handle(session.receive(bytes)) }
        }
    }

    private func refuseHTTP1() {
        guard let context else { return }
        logger.info("refused an HTTP/1 request", metadata: ["peer": "\(peer)"])
        let body = "This server speaks gRPC over HTTP/2 only (cleartext, prior knowledge); HTTP/1.x is not supported.\n"
        let response = "HTTP/1.1 505 HTTP Version Not Supported\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
        closing = true
        closeWhenWritten(context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: response))))
    }

    private func handle(_ result: NGHTTP2Session.ReceiveResult) {
        switch result {
        case .ok:
            return
        case .badPreface:
            logger.info("not an HTTP/2 client preface, sending GOAWAY(PROTOCOL_ERROR)", metadata: ["peer": "\(peer)"])
            session.terminate(errorCode: NGHTTP2Session.ErrorCode.protocolError)
            closeAfterFlush()
        case .fatal(let reason):
            logger.info("HTTP/2 error, closing the connection", metadata: ["peer": "\(peer)", "error": "\(reason)"])
            session.terminate(errorCode: NGHTTP2Session.ErrorCode.protocolError)
            closeAfterFlush()
        }
    }

    // MARK: Output

    /// Writes whatever the session has to send, unless a read burst will do it at its end.
    private func scheduleFlush() {
        guard !inReadBurst, !flushScheduled, let loopSelf else { return }
        flushScheduled = true
        loopSelf.eventLoop.execute {
            let handler = loopSelf.value
            handler.flushScheduled = false
            handler.flush()
        }
    }

    /// Serializes pending frames into one buffer and writes it with one flush. Closes the
    /// connection once the session wants neither to read nor to write.
    @discardableResult
    private func flush() -> EventLoopFuture<Void>? {
        guard let context, let session else { return nil }
        var buffer: ByteBuffer?
        let healthy = session.send { chunk in
            if buffer == nil { buffer = context.channel.allocator.buffer(capacity: max(chunk.count, 4096)) }
            buffer!.writeBytes(chunk)
        }
        var written: EventLoopFuture<Void>?
        if let buffer {
            written = context.writeAndFlush(wrapOutboundOut(buffer))
        }
        if !closing, !healthy || (!session.wantsRead && !session.wantsWrite) {
            closing = true
            closeWhenWritten(written)
        }
        return written
    }

    private func closeAfterFlush() {
        let written = flush()
        guard !closing else { return }
        closing = true
        closeWhenWritten(written)
    }

    /// Closes the connection once `written` (if any) has gone out.
    private func closeWhenWritten(_ written: EventLoopFuture<Void>?) {
        guard let written, let loopSelf else {
            context?.close(promise: nil)
            return
        }
        written.whenComplete { _ in loopSelf.value.context?.close(promise: nil) }
    }

    // MARK: Idle and keepalive

    private func armIdleTimer() {
        guard idleTimer == nil, let idleSince, let loopSelf else { return }
        idleTimer = loopSelf.eventLoop.scheduleTask(deadline: idleSince + TimeAmount(configuration.idleTimeout)) {
            loopSelf.value.idleTimerFired()
        }
    }

    private func idleTimerFired() {
        idleTimer = nil
        guard let idleSince, !closing else { return }
        if NIODeadline.now() >= idleSince + TimeAmount(configuration.idleTimeout) {
            logger.debug("closing an idle connection", metadata: ["peer": "\(peer)"])
            session.submitGoAway(errorCode: NGHTTP2Session.ErrorCode.noError, debugMessage: "idle timeout")
            closeAfterFlush()
        } else {
            armIdleTimer()
        }
    }

    private func startKeepalive() {
        guard let interval = configuration.keepaliveInterval, let loopSelf else { return }
        let amount = TimeAmount(interval)
        keepaliveTimer = loopSelf.eventLoop.scheduleRepeatedTask(initialDelay: amount, delay: amount) { _ in
            loopSelf.value.sendKeepalivePing()
        }
    }

    private func sendKeepalivePing() {
        guard !closing, sniffer == nil, keepaliveDeadline == nil, let loopSelf else { return }
        session.submitPing()
        keepaliveDeadline = loopSelf.eventLoop.scheduleTask(in: TimeAmount(configuration.keepaliveTimeout)) {
            let handler = loopSelf.value
            handler.logger.info("keepalive PING unanswered, closing", metadata: ["peer": "\(handler.peer)"])
            handler.session.submitGoAway(errorCode: NGHTTP2Session.ErrorCode.noError, debugMessage: "keepalive timeout")
            handler.closeAfterFlush()
        }
        scheduleFlush()
    }

    func sessionPingAcknowledged() {
        keepaliveDeadline?.cancel()
        keepaliveDeadline = nil
    }

    // MARK: Graceful shutdown

    private func beginGracefulShutdown(deadline: NIODeadline) {
        guard !draining, !closing, let loopSelf else { return }
        draining = true
        if sniffer != nil {
            closing = true
            context?.close(promise: nil)
            return
        }
        session.submitGoAway(errorCode: NGHTTP2Session.ErrorCode.noError, debugMessage: "server shutting down")
        if streams.isEmpty {
            closeAfterFlush()
            return
        }
        flush()
        graceTimer = loopSelf.eventLoop.scheduleTask(deadline: deadline) {
            loopSelf.value.gracePeriodEnded()
        }
    }

    private func gracePeriodEnded() {
        let error = RPCError(code: .unavailable, message: "the server is shutting down")
        for stream in streams.values where stream.phase == .running {
            end(stream, with: error)
        }
        closeAfterFlush()
    }

    // MARK: Session events

    func sessionBeginHeaders(streamID: Int32) {
        guard streams[streamID] == nil else { return }
        streams[streamID] = ServerStream(streamID: streamID, maxReceiveMessageBytes: configuration.maxReceiveMessageBytes)
        idleSince = nil
    }

    func sessionHeader(streamID: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        guard let stream = streams[streamID], stream.phase == .receivingHeaders else { return }
        stream.head.add(name: name, value: value, limit: configuration.maxHeaderListBytes)
    }

    func sessionEndHeaders(streamID: Int32, endStream: Bool) {
        guard let stream = streams[streamID] else { return }
        if stream.phase == .receivingHeaders {
            startCall(stream)
        }
        if endStream {
            endOfRequest(stream)
        }
    }

    func sessionData(streamID: Int32, bytes: UnsafeRawBufferPointer) {
        session.consumeConnection(bytes.count)
        guard let stream = streams[streamID], stream.phase == .running, let inbound = stream.inbound else {
            session.consumeStream(streamID, bytes.count)
            return
        }
        do {
            try stream.deframer.process(bytes) { message in
                inbound.messageQueued(size: message.count)
                stream.requests?.yield(message)
            }
        } catch {
            end(stream, with: error)
        }
        if inbound.shouldHold() {
            stream.heldBytes += bytes.count
        } else {
            session.consumeStream(streamID, bytes.count)
        }
    }

    /// The handler caught up with its requests: open the window it held closed.
    private func releaseHeldBytes(streamID: Int32) {
        guard let stream = streams[streamID], stream.heldBytes > 0 else { return }
        session.consumeStream(streamID, stream.heldBytes)
        stream.heldBytes = 0
        scheduleFlush()
    }

    func sessionDataEndStream(streamID: Int32) {
        guard let stream = streams[streamID] else { return }
        endOfRequest(stream)
    }

    func sessionStreamClosed(streamID: Int32, errorCode: UInt32) {
        guard let stream = streams.removeValue(forKey: streamID) else { return }
        stream.deadlineTimer?.cancel()
        if stream.phase != .finished {
            let message = errorCode == NGHTTP2Session.ErrorCode.noError
                ? "the stream closed before the call completed"
                : "the client reset the stream (HTTP/2 error code \(errorCode))"
            let error = RPCError(code: .cancelled, message: message)
            abandon(stream, error: error)
            logFailure(stream, status: error.status)
        }
        if streams.isEmpty {
            if draining {
                // Never flush from inside an nghttp2 callback: the next flush sees that the
                // session (GOAWAY sent, no streams) is done and closes after writing.
                scheduleFlush()
            } else {
                idleSince = .now()
                armIdleTimer()
            }
        }
    }

    func sessionReadData(streamID: Int32, into buffer: UnsafeMutableRawBufferPointer) -> NGHTTP2Session.DataRead {
        guard let stream = streams[streamID], let responses = stream.responses else { return .end(0, endStream: true) }
        guard let (count, end) = responses.read(into: buffer) else { return .deferred }
        switch end {
        case nil:
            return .bytes(count)
        case .endStream?:
            stream.phase = .finished
            return .end(count, endStream: true)
        case .status(let status, let trailers)?:
            var fields = HTTP2HeaderList()
            fields.add(status: status)
            addMetadata(trailers, to: &fields, stream: stream)
            session.submitTrailer(streamID: streamID, fields)
            stream.phase = .finished
            logFailure(stream, status: status)
            return .end(count, endStream: false)
        }
    }

    func sessionSentEndStream(streamID: Int32) {
        // The response is complete; a client still sending is told to stop (RFC 9113 §8.1).
        if session.isRemoteOpen(streamID: streamID) {
            session.submitReset(streamID: streamID, errorCode: NGHTTP2Session.ErrorCode.noError)
        }
    }

    func sessionGoAway(lastStreamID: Int32, errorCode: UInt32) {
        logger.debug("client sent GOAWAY", metadata: ["peer": "\(peer)", "error-code": "\(errorCode)"])
    }

    // MARK: Calls

    private func startCall(_ stream: ServerStream) {
        stream.phase = .running
        let head = stream.head
        if head.exceededLimit {
            return respondTrailersOnly(stream, RPCError(
                code: .resourceExhausted,
                message: "the request header list (\(head.listBytes)+ bytes) exceeds the limit of \(configuration.maxHeaderListBytes) bytes"
            ))
        }
        guard head.method == "POST" else {
            return respondHTTP(stream, status: 405, body: "gRPC calls use POST, not \(head.method ?? "no method").\n")
        }
        guard head.isGRPCContentType else {
            return respondHTTP(
                stream, status: 415,
                body: "Unsupported content-type '\(head.contentType ?? "")': this server speaks gRPC (application/grpc).\n"
            )
        }
        guard let path = head.path, let handler = router.handler(forPath: path), let method = MethodDescriptor(path: path) else {
            return respondTrailersOnly(stream, RPCError(code: .unimplemented, message: "unknown method \(head.path ?? "<no :path>")"))
        }
        if let encoding = head.encoding, encoding != "identity" {
            return respondTrailersOnly(
                stream,
                RPCError(code: .unimplemented, message: "grpc-encoding '\(encoding)' is not supported; this server accepts identity only"),
                extraHeaders: [("grpc-accept-encoding", "identity")]
            )
        }
        var deadline: ContinuousClock.Instant?
        if let timeoutText = head.timeout {
            guard let timeout = GRPCTimeout(decoding: timeoutText) else {
                return respondTrailersOnly(stream, RPCError(code: .internal, message: "malformed grpc-timeout '\(timeoutText)'"))
            }
            guard timeout.duration > .zero else {
                return respondTrailersOnly(stream, RPCError(code: .deadlineExceeded, message: "the deadline had passed when the call arrived"))
            }
            deadline = .now + timeout.duration
            armDeadline(stream, after: timeout.duration)
        }
        spawnHandler(stream, handler: handler, context: ServerContext(method: method, metadata: head.metadata, deadline: deadline, peer: peer))
    }

    private func spawnHandler(_ stream: ServerStream, handler: @escaping RPCHandler, context: ServerContext) {
        guard let loopSelf else { return }
        let (requests, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        stream.requests = continuation
        let streamID = stream.streamID
        let inbound = InboundFlowController(threshold: configuration.initialStreamWindow) {
            loopSelf.eventLoop.execute { loopSelf.value.releaseHeldBytes(streamID: streamID) }
        }
        stream.inbound = inbound
        let queue = OutboundMessageQueue(highWaterMark: 128 * 1024) {
            loopSelf.eventLoop.execute { loopSelf.value.wake(streamID: streamID) }
        }
        stream.responses = queue
        let sink = ServerResponseSink(queue: queue, maxSendMessageBytes: configuration.maxSendMessageBytes)
        stream.task = Task {
            let end: OutboundMessageQueue.End
            do {
                let requestStream = RPCRequestStream(bytes: requests) { size in inbound.messageTaken(size: size) }
                let trailers = try await handler(requestStream, RPCResponseWriter(sink: sink), context)
                do throws(RPCError) {
                    try trailers.forEachHeaderField { _, _ in }
                    end = .status(.ok, trailers)
                } catch {
                    end = .status(error.status, [:])
                }
            } catch let error as RPCError {
                end = .status(error.status, error.metadata)
            } catch is CancellationError {
                end = .status(Status(code: .cancelled, message: "the call was cancelled"), [:])
            } catch {
                end = .status(Status(code: .internal, message: "the handler failed: \(error)"), [:])
            }
            queue.finish(end)
        }
    }

    private func armDeadline(_ stream: ServerStream, after duration: Duration) {
        guard let loopSelf else { return }
        let streamID = stream.streamID
        stream.deadlineTimer = loopSelf.eventLoop.scheduleTask(in: TimeAmount(duration)) {
            let handler = loopSelf.value
            guard let stream = handler.streams[streamID], stream.phase == .running else { return }
            handler.end(stream, with: RPCError(code: .deadlineExceeded, message: "the call's deadline passed"))
            handler.scheduleFlush()
        }
    }

    /// The request body ended (END_STREAM): a partial message left over is an error.
    private func endOfRequest(_ stream: ServerStream) {
        guard stream.phase == .running else { return }
        do {
            try stream.deframer.finish()
            stream.requests?.finish()
        } catch {
            end(stream, with: error)
        }
    }

    /// Ends a running call on the transport's initiative (bad input, deadline, shutdown): the
    /// handler's task is cancelled and the client gets `error` as the status.
    private func end(_ stream: ServerStream, with error: RPCError) {
        guard stream.phase == .running else { return }
        stream.deadlineTimer?.cancel()
        // The status is set before the task learns of its cancellation, so that the
        // CANCELLED its handler ends with cannot win the race.
        if let responses = stream.responses {
            responses.finish(.status(error.status, error.metadata))
            wake(streamID: stream.streamID)
        } else {
            respondTrailersOnly(stream, error)
        }
        stream.requests?.finish(throwing: error)
        stream.task?.cancel()
    }

    /// The stream is gone: its handler is cancelled and its writers fail.
    private func abandon(_ stream: ServerStream, error: RPCError) {
        stream.phase = .finished
        stream.deadlineTimer?.cancel()
        stream.responses?.fail(error)
        stream.requests?.finish(throwing: error)
        stream.task?.cancel()
    }

    /// A handler task queued something: submit headers, resume a deferred body, answer
    /// trailers-only, and flush.
    private func wake(streamID: Int32) {
        guard let stream = streams[streamID], stream.phase == .running, let responses = stream.responses else { return }
        let work = responses.takeWakeWork()
        if !stream.responseStarted {
            if work.headers == nil, !work.hasMessages, case .status(let status, let trailers)? = work.end {
                stream.deadlineTimer?.cancel()
                var fields = responseHeaders()
                fields.add(status: status)
                addMetadata(trailers, to: &fields, stream: stream)
                session.submitResponse(streamID: streamID, fields, endStream: true)
                stream.phase = .finished
                logFailure(stream, status: status)
            } else if work.headers != nil || work.hasMessages || work.end != nil {
                var fields = responseHeaders()
                addMetadata(work.headers ?? [:], to: &fields, stream: stream)
                stream.responseStarted = true
                session.submitResponse(streamID: streamID, fields, endStream: false)
            }
        } else if work.wasDeferred || work.end != nil {
            session.resumeData(streamID: streamID)
        }
        scheduleFlush()
    }

    private func respondTrailersOnly(_ stream: ServerStream, _ error: RPCError, extraHeaders: [(String, String)] = []) {
        var fields = responseHeaders()
        for (name, value) in extraHeaders { fields.add(name, value) }
        fields.add(status: error.status)
        addMetadata(error.metadata, to: &fields, stream: stream)
        session.submitResponse(streamID: stream.streamID, fields, endStream: true)
        stream.phase = .finished
        stream.deadlineTimer?.cancel()
        logFailure(stream, status: error.status)
        scheduleFlush()
    }

    /// Answers a request that is not gRPC with a plain HTTP response.
    private func respondHTTP(_ stream: ServerStream, status: Int, body: String) {
        guard let loopSelf else { return }
        let streamID = stream.streamID
        let queue = OutboundMessageQueue(highWaterMark: .max) {
            loopSelf.eventLoop.execute { loopSelf.value.scheduleFlush() }
        }
        try? queue.writeRaw(Array(body.utf8))
        queue.finish(.endStream)
        _ = queue.takeWakeWork()
        stream.responses = queue
        var fields = HTTP2HeaderList()
        fields.add(":status", String(status))
        fields.add("content-type", "text/plain; charset=utf-8")
        session.submitResponse(streamID: streamID, fields, endStream: false)
        stream.responseStarted = true
        stream.phase = .finished
        logger.notice("refused a non-gRPC request", metadata: [
            "method": "\(stream.methodForLog)", "http-status": "\(status)", "peer": "\(peer)",
        ])
        scheduleFlush()
    }

    private func responseHeaders() -> HTTP2HeaderList {
        var fields = HTTP2HeaderList()
        fields.add(":status", "200")
        fields.add("content-type", "application/grpc")
        return fields
    }

    private func addMetadata(_ metadata: Metadata, to fields: inout HTTP2HeaderList, stream: ServerStream) {
        do throws(RPCError) {
            try fields.add(metadata: metadata)
        } catch {
            logger.warning("dropped response metadata that cannot be sent", metadata: [
                "method": "\(stream.methodForLog)", "error": "\(error.message)",
            ])
        }
    }

    private func logFailure(_ stream: ServerStream, status: Status) {
        guard status.code != .ok else { return }
        let elapsed = NIODeadline.now() - stream.startTime
        logger.notice("call failed", metadata: [
            "method": "\(stream.methodForLog)",
            "status": "\(status.code)",
            "message": "\(status.message)",
            "peer": "\(peer)",
            "duration-ms": "\(Double(elapsed.nanoseconds) / 1_000_000)",
        ])
    }
}

@available(*, unavailable)
extension ServerConnectionHandler: Sendable {}
