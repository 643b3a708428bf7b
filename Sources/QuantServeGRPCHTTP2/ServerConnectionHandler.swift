import Logging
import NIOCore
import QuantServeGRPC

/// Asks a server connection to stop taking calls: GOAWAY now, in-flight calls may run until
/// `deadline`, then the rest end with UNAVAILABLE and the connection closes.
struct GracefulShutdownEvent: Sendable {
    let deadline: NIODeadline
}

/// One server connection: sniffs the first bytes (HTTP/2 preface, HTTP/1.x, garbage), feeds the
/// rest to an nghttp2 server session, starts a handler task per call and writes what the session
/// produces, batched: one flush per read burst or per wake-up from handler tasks.
///
/// Decisions about the connection as a whole (timeouts, keepalive, floods, backpressure, drain,
/// close) belong to its `ServerConnectionStateMachine`; this handler reports events to it and
/// executes the actions it returns. Output is pulled from nghttp2 only while the channel is
/// writable, and reading stops while it is not, so a client that does not read cannot make the
/// server buffer without bound.
final class ServerConnectionHandler: ChannelDuplexHandler, NGHTTP2SessionDelegate, SessionPumping {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Output pulled from nghttp2 per write, so writability is checked between writes.
    private static let writeChunkBytes = 64 * 1024

    private let router: RPCRouter
    private let configuration: ServerConfiguration
    private let logger: Logger
    private let refusal: ServerConnectionStateMachine.Refusal?
    private let connectionLog: SharedLogThrottle
    private let failureLog: SharedLogThrottle
    private var machine: ServerConnectionStateMachine
    private var session: NGHTTP2Session!
    private var context: ChannelHandlerContext?
    private(set) var loopSelf: NIOLoopBound<ServerConnectionHandler>?
    private var streams: [Int32: ServerStream] = [:]
    private var sniffer: PrefaceSniffer? = PrefaceSniffer()
    private var peer = PeerAddress(description: "unknown", isLoopback: false)
    var pump = SessionPump()
    /// Whether `read` calls are held back (the channel is not writable, or the connection closes).
    private var readingPaused = false
    private var readPending = false
    /// Whether the connection closes once its output is written.
    private var closeWhenFlushed = false
    /// Whether the connection answered HTTP/1.x: nothing from nghttp2 goes out any more.
    private var answeredHTTP1 = false
    /// Bytes handed to the channel and not yet written to the socket.
    private var channelBufferedBytes = 0
    private let queuedResponseBytes = OutboundMessageQueue.ConnectionTotal()
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?

    /// A handler for one accepted connection; `refusal` is set when the server is over a
    /// connection limit (the client then gets GOAWAY and the connection closes).
    init(
        router: RPCRouter, configuration: ServerConfiguration, logger: Logger,
        refusal: ServerConnectionStateMachine.Refusal?, connectionLog: SharedLogThrottle, failureLog: SharedLogThrottle
    ) {
        self.router = router
        self.configuration = configuration
        self.logger = logger
        self.refusal = refusal
        self.connectionLog = connectionLog
        self.failureLog = failureLog
        self.machine = ServerConnectionStateMachine(configuration: configuration.connectionLimits, now: .now())
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        loopSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        session = NGHTTP2Session(
            role: .server, delegate: self,
            settings: .init(
                maxConcurrentStreams: configuration.maxConcurrentStreams,
                initialStreamWindow: configuration.initialStreamWindow,
                connectionWindow: configuration.connectionWindow,
                maxHeaderListBytes: configuration.maxHeaderListBytes,
                enablePush: nil,
                floodLimits: configuration.floodLimits
            ))
    }

    func channelActive(context: ChannelHandlerContext) {
        peer = PeerAddress(context.channel.remoteAddress)
        execute(machine.accepted(now: .now(), refusal: refusal))
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        machine.channelClosed()
        timer?.cancel()
        timer = nil
        let open = streams
        streams.removeAll()
        for stream in open.values where stream.phase != .finished {
            let error = RPCError(code: .unavailable, message: "the connection closed before the call completed")
            abandon(stream, error: error)
            finishCall(stream, status: error.status)
        }
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        loopSelf = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard machine.acceptsInput else { return }
        let buffer = unwrapInboundIn(data)
        configuration.observer?.bytesReceived(buffer.readableBytes)
        if sniffer != nil {
            sniff(buffer)
            return
        }
        readBurstBegins()
        buffer.withUnsafeReadableBytes { bytes in handle(session.receive(bytes)) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        readBurstEnded()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        execute(machine.writabilityChanged(context.channel.isWritable, now: .now()))
        if context.channel.isWritable { flush() }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if readingPaused {
            readPending = true
        } else {
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let shutdown = event as? GracefulShutdownEvent {
            execute(machine.shutdownRequested(deadline: shutdown.deadline, now: .now()))
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logConnection(.info, "connection error, closing", ["error": "\(error)"])
        machine.channelClosed()
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
            readBurstBegins()
            sniffer.bytes.withUnsafeBytes { bytes in handle(session.receive(bytes)) }
        }
    }

    private func refuseHTTP1() {
        guard let context else { return }
        logConnection(.info, "refused an HTTP/1 request")
        let body = "This server speaks gRPC over HTTP/2 only (cleartext, prior knowledge); HTTP/1.x is not supported.\n"
        let response =
            "HTTP/1.1 505 HTTP Version Not Supported\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
        answeredHTTP1 = true
        write(context.channel.allocator.buffer(string: response), context: context)
        context.flush()
        execute(machine.sessionFinished(now: .now()))
    }

    private func handle(_ result: NGHTTP2Session.ReceiveResult) {
        switch result {
        case .ok:
            return
        case .badPreface:
            logConnection(.info, "not an HTTP/2 client preface, sending GOAWAY(PROTOCOL_ERROR)")
            session.terminate(errorCode: NGHTTP2Session.ErrorCode.protocolError)
        case .fatal(let reason):
            logConnection(.info, "HTTP/2 error, closing the connection", ["error": "\(reason)"])
            session.terminate(errorCode: NGHTTP2Session.ErrorCode.protocolError)
        }
        execute(machine.sessionFinished(now: .now()))
    }

    // MARK: Executing the state machine's actions

    private func execute(_ actions: [ServerConnectionStateMachine.Action]) {
        for action in actions {
            switch action {
            case .sendGoAway(let errorCode, let reason):
                if errorCode == NGHTTP2Session.ErrorCode.enhanceYourCalm, refusal == nil {
                    logConnection(.notice, "closing a misbehaving connection", ["reason": "\(reason)"])
                } else {
                    logger.debug("sending GOAWAY", metadata: ["peer": "\(peer)", "reason": "\(reason)"])
                }
                session.submitGoAway(errorCode: errorCode, debugMessage: reason)
                configuration.observer?.goAwaySent(reason: reason)
                scheduleFlush()
            case .sendPing:
                session.submitPing()
                scheduleFlush()
            case .endStream(let streamID, let status):
                if let stream = streams[streamID] {
                    end(stream, with: RPCError(code: status.code, message: status.message))
                }
                scheduleFlush()
            case .resetStream(let streamID, let reason):
                logConnection(.info, "resetting a stalled stream", ["stream": "\(streamID)", "reason": "\(reason)"])
                session.submitReset(streamID: streamID, errorCode: NGHTTP2Session.ErrorCode.cancel)
                if let stream = streams[streamID] {
                    abandon(stream, error: RPCError(code: .cancelled, message: reason))
                }
                scheduleFlush()
            case .endAllStreams(let status):
                let error = RPCError(code: status.code, message: status.message)
                for stream in streams.values where stream.phase == .running { end(stream, with: error) }
            case .closeAfterFlush:
                closeWhenFlushed = true
                scheduleFlush()
            case .closeNow(let reason):
                logConnection(.notice, "cutting a connection", ["reason": "\(reason)"])
                context?.close(promise: nil)
            case .pauseReading:
                readingPaused = true
            case .resumeReading:
                readingPaused = false
                if readPending {
                    readPending = false
                    context?.read()
                }
            }
        }
        armTimer()
    }

    /// Keeps the one timer at the machine's next deadline (a later deadline leaves an earlier
    /// timer in place: it fires, finds nothing to do and re-arms).
    private func armTimer() {
        guard let next = machine.nextDeadline, let loopSelf else { return }
        if let timerDeadline, timerDeadline <= next { return }
        timer?.cancel()
        timerDeadline = next
        timer = loopSelf.eventLoop.scheduleTask(deadline: next) {
            let handler = loopSelf.value
            handler.timer = nil
            handler.timerDeadline = nil
            handler.execute(handler.machine.tick(now: .now()))
        }
    }

    // MARK: Output

    /// Pulls frames from the session and writes them while the channel is writable, then
    /// closes the connection if it is done. Never called from inside an nghttp2 callback.
    func flush() {
        guard let context, let session, !answeredHTTP1 else {
            closeIfFlushed()
            return
        }
        var wrote = false
        var healthy = true
        while context.channel.isWritable {
            let output = session.pendingOutput(allocator: context.channel.allocator, maxBytes: Self.writeChunkBytes)
            healthy = output.healthy
            guard let buffer = output.buffer else { break }
            write(buffer, context: context)
            wrote = true
            if !healthy || !session.wantsWrite { break }
        }
        if wrote { context.flush() }
        if !healthy || (!session.wantsRead && !session.wantsWrite) {
            execute(machine.sessionFinished(now: .now()))
        }
        closeIfFlushed()
    }

    /// Writes `buffer`, counting it as held for the client until the socket took it.
    private func write(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        guard let loopSelf else { return }
        let count = buffer.readableBytes
        channelBufferedBytes += count
        configuration.observer?.bytesSent(count)
        let promise = context.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenComplete { _ in
            let handler = loopSelf.value
            handler.channelBufferedBytes -= count
            handler.closeIfFlushed()
        }
        context.write(wrapOutboundOut(buffer), promise: promise)
        reportOutboundBytes()
    }

    /// Tells the machine how many response bytes the connection holds for its client.
    private func reportOutboundBytes() {
        let actions = machine.outboundBytesChanged(to: channelBufferedBytes + queuedResponseBytes.value)
        if !actions.isEmpty { execute(actions) }
    }

    /// Closes once asked to and everything went out (the machine cuts it if that never happens).
    private func closeIfFlushed() {
        guard closeWhenFlushed, channelBufferedBytes == 0, answeredHTTP1 || !(session?.wantsWrite ?? false) else {
            return
        }
        closeWhenFlushed = false
        context?.close(promise: nil)
    }

    func sessionPingAcknowledged() {
        machine.pingAcknowledged()
    }

    func sessionControlFrame(_ frame: NGHTTP2Session.ControlFrame) {
        execute(machine.frameReceived(frame, now: .now()))
    }

    // MARK: Session events

    func sessionBeginHeaders(streamID: Int32) {
        guard streams[streamID] == nil else { return }
        streams[streamID] = ServerStream(
            streamID: streamID, maxReceiveMessageBytes: configuration.maxReceiveMessageBytes)
    }

    func sessionHeader(streamID: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        guard let stream = streams[streamID], stream.phase == .receivingHeaders else { return }
        stream.head.add(name: name, value: value, limit: configuration.maxHeaderListBytes)
    }

    func sessionEndHeaders(streamID: Int32, endStream: Bool) {
        guard let stream = streams[streamID] else { return }
        if stream.phase == .receivingHeaders {
            machine.streamOpened(streamID, now: .now())
            armTimer()
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
                inbound.messageQueued(size: message.bytes.count)
                stream.requests?.yield(message)
                machine.requestArrived(streamID)
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
            let message =
                errorCode == NGHTTP2Session.ErrorCode.noError
                ? "the stream closed before the call completed"
                : "the client reset the stream (HTTP/2 error code \(errorCode))"
            let error = RPCError(code: .cancelled, message: message)
            abandon(stream, error: error)
            finishCall(stream, status: error.status)
        }
        execute(machine.streamClosed(streamID, now: .now()))
    }

    func sessionReadData(streamID: Int32, into buffer: UnsafeMutableRawBufferPointer) -> NGHTTP2Session.DataRead {
        guard let stream = streams[streamID], let responses = stream.responses else { return .end(0, endStream: true) }
        guard let (count, end) = responses.read(into: buffer) else {
            machine.responseSent(streamID, now: .now(), drained: true)
            return .deferred
        }
        machine.responseSent(streamID, now: .now(), drained: end != nil)
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
            finishCall(stream, status: status)
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
            return respondTrailersOnly(
                stream,
                RPCError(
                    code: .resourceExhausted,
                    message:
                        "the request header list (\(head.listBytes)+ bytes) exceeds the limit of \(configuration.maxHeaderListBytes) bytes"
                ))
        }
        guard head.method == "POST" else {
            return respondHTTP(
                stream, status: 405,
                body: "gRPC calls use POST, not \(head.method.map { ClientText.quoted($0) } ?? "no method").\n")
        }
        guard head.isGRPCContentType else {
            return respondHTTP(
                stream, status: 415,
                body:
                    "Unsupported content-type \(ClientText.quoted(head.contentType ?? "")): this server speaks gRPC (application/grpc).\n"
            )
        }
        guard let path = head.path, let handler = router.handler(forPath: path),
            let method = MethodDescriptor(path: path)
        else {
            return respondTrailersOnly(
                stream,
                RPCError(
                    code: .unimplemented,
                    message: "unknown method \(head.path.map { ClientText.quoted($0) } ?? "<no :path>")"))
        }
        stream.knownMethod = path
        if let encodingName = head.encoding {
            guard let encoding = MessageEncoding(headerValue: encodingName) else {
                return respondTrailersOnly(
                    stream,
                    RPCError(
                        code: .unimplemented,
                        message:
                            "grpc-encoding \(ClientText.quoted(encodingName)) is not supported; this server accepts \(MessageEncoding.acceptEncodingHeaderValue)"
                    ))
            }
            stream.deframer.encoding = encoding
        }
        if configuration.responseCompression.isAccepted(by: head.acceptEncoding) {
            stream.responseEncoding = configuration.responseCompression
        }
        var deadline: ContinuousClock.Instant?
        if let timeoutText = head.timeout {
            guard let timeout = GRPCTimeout(decoding: timeoutText) else {
                return respondTrailersOnly(
                    stream,
                    RPCError(code: .internal, message: "malformed grpc-timeout \(ClientText.quoted(timeoutText))"))
            }
            guard timeout.duration > .zero else {
                return respondTrailersOnly(
                    stream, RPCError(code: .deadlineExceeded, message: "the deadline had passed when the call arrived"))
            }
            deadline = .now + timeout.duration
            armDeadline(stream, after: timeout.duration)
        }
        spawnHandler(
            stream, handler: handler,
            context: ServerContext(
                method: method, metadata: head.metadata, deadline: deadline, peer: peer,
                transportIsSecure: configuration.tls != nil))
    }

    private func spawnHandler(_ stream: ServerStream, handler: @escaping RPCHandler, context: ServerContext) {
        guard let loopSelf else { return }
        let (requests, continuation) = AsyncThrowingStream<ReceivedMessage, any Error>.makeStream()
        stream.requests = continuation
        let streamID = stream.streamID
        let inbound = InboundFlowController(threshold: configuration.initialStreamWindow) {
            loopSelf.eventLoop.execute { loopSelf.value.releaseHeldBytes(streamID: streamID) }
        }
        stream.inbound = inbound
        let queue = OutboundMessageQueue(highWaterMark: 128 * 1024, connectionTotal: queuedResponseBytes) {
            loopSelf.eventLoop.execute { loopSelf.value.wake(streamID: streamID) }
        }
        stream.responses = queue
        let sink = ServerResponseSink(
            queue: queue, maxSendMessageBytes: configuration.maxSendMessageBytes,
            compression: stream.responseEncoding)
        let maxReceiveMessageBytes = configuration.maxReceiveMessageBytes
        let (logger, failureLog, method) = (logger, failureLog, context.method)
        stream.task = Task {
            let end: OutboundMessageQueue.End
            do {
                let requestStream = RPCRequestStream(received: requests, maxBytes: maxReceiveMessageBytes) { size in
                    inbound.messageTaken(size: size)
                }
                let trailers = try await handler(requestStream, RPCResponseWriter(sink: sink), context)
                do throws(RPCError) {
                    try trailers.forEachHeaderField { _, _ in }
                    end = .status(.ok, trailers)
                } catch {
                    end = .status(error.status, [:])
                }
            } catch {
                // The one place a handler's error becomes the call's status.
                if let known = RPCError(endingCallWith: error) {
                    end = .status(known.status, known.metadata)
                } else {
                    failureLog.log { suppressed in
                        var metadata: Logger.Metadata = [
                            "method": "\(method)", "error": "\(String(reflecting: error))",
                        ]
                        if suppressed > 0 { metadata["lines-not-logged"] = "\(suppressed)" }
                        logger.error(
                            "handler failed unexpectedly; the client gets INTERNAL \"internal error\"",
                            metadata: metadata)
                    }
                    end = .status(RPCError.unexpectedFailure.status, [:])
                }
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
        machine.requestArrived(stream.streamID)
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
                finishCall(stream, status: status)
            } else if work.headers != nil || work.hasMessages || work.end != nil {
                var fields = responseHeaders(encoding: stream.responseEncoding)
                addMetadata(work.headers ?? [:], to: &fields, stream: stream)
                stream.responseStarted = true
                session.submitResponse(streamID: streamID, fields, endStream: false)
            }
        } else if work.wasDeferred || work.end != nil {
            session.resumeData(streamID: streamID)
        }
        if work.hasMessages {
            machine.responseQueued(streamID, now: .now())
            armTimer()
            reportOutboundBytes()
        }
        scheduleFlush()
    }

    private func respondTrailersOnly(_ stream: ServerStream, _ error: RPCError) {
        var fields = responseHeaders()
        fields.add(status: error.status)
        addMetadata(error.metadata, to: &fields, stream: stream)
        session.submitResponse(streamID: stream.streamID, fields, endStream: true)
        stream.phase = .finished
        stream.deadlineTimer?.cancel()
        finishCall(stream, status: error.status)
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
        logConnection(
            .notice, "refused a non-gRPC request", ["method": "\(stream.methodForLog)", "http-status": "\(status)"])
        scheduleFlush()
    }

    /// The fixed response headers; `encoding` is that of the response messages.
    private func responseHeaders(encoding: MessageEncoding = .identity) -> HTTP2HeaderList {
        var fields = HTTP2HeaderList()
        fields.add(":status", "200")
        fields.add("content-type", "application/grpc")
        if encoding != .identity { fields.add("grpc-encoding", encoding.rawValue) }
        fields.add("grpc-accept-encoding", MessageEncoding.acceptEncodingHeaderValue)
        return fields
    }

    private func addMetadata(_ metadata: Metadata, to fields: inout HTTP2HeaderList, stream: ServerStream) {
        do throws(RPCError) {
            try fields.add(metadata: metadata)
        } catch {
            logger.warning(
                "dropped response metadata that cannot be sent",
                metadata: [
                    "method": "\(stream.methodForLog)", "error": "\(error.message)",
                ])
        }
    }

    /// Logs a line about this connection, within the server-wide rate of such lines.
    private func logConnection(_ level: Logger.Level, _ message: Logger.Message, _ metadata: Logger.Metadata = [:]) {
        connectionLog.log { suppressed in
            var metadata = metadata
            metadata["peer"] = "\(peer)"
            if suppressed > 0 { metadata["lines-not-logged"] = "\(suppressed)" }
            logger.log(level: level, message, metadata: metadata)
        }
    }

    /// A call's final status is decided: the observer hears of it, and a failure is logged within
    /// the server-wide rate of such lines (a client can fail calls as fast as it sends them); the
    /// message may quote client text, so it is escaped.
    private func finishCall(_ stream: ServerStream, status: Status) {
        let nanoseconds = (NIODeadline.now() - stream.startTime).nanoseconds
        configuration.observer?.callEnded(
            method: stream.knownMethod, code: status.code, duration: .nanoseconds(nanoseconds))
        guard status.code != .ok else { return }
        failureLog.log { suppressed in
            var metadata: Logger.Metadata = [
                "method": "\(stream.methodForLog)",
                "status": "\(status.code)",
                "message": "\(ClientText.quoted(status.message, limit: 200))",
                "peer": "\(peer)",
                "duration-ms": "\(Double(nanoseconds) / 1_000_000)",
            ]
            if suppressed > 0 { metadata["lines-not-logged"] = "\(suppressed)" }
            logger.notice("call failed", metadata: metadata)
        }
    }
}

@available(*, unavailable)
extension ServerConnectionHandler: Sendable {}
