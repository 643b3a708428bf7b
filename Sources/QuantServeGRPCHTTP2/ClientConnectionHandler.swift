import NIOCore
import QuantServeGRPC

/// One client connection: an nghttp2 client session carrying any number of concurrent calls.
/// Calls arrive from the calling tasks through `start` (on the event loop); frames from all
/// calls submitted in one loop tick go out in one write.
final class ClientConnectionHandler: ChannelInboundHandler, NGHTTP2SessionDelegate, SessionPumping {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let configuration: ClientConfiguration
    /// Called (once) when the connection stops taking new calls: GOAWAY received or closed.
    private var onRetire: (@Sendable () -> Void)?
    private var session: NGHTTP2Session!
    private var context: ChannelHandlerContext?
    private(set) var loopSelf: NIOLoopBound<ClientConnectionHandler>?
    private var calls: [Int32: ClientCall] = [:]
    var pump = SessionPump()
    private var closed = false
    private var goingAway = false
    /// `close()` was called: the connection closes once its GOAWAY is written.
    private var closeRequested = false
    /// The error that closed the connection (a failed TLS handshake, say), told to its calls.
    private var closeReason: String?

    init(configuration: ClientConfiguration, onRetire: @escaping @Sendable () -> Void) {
        self.configuration = configuration
        self.onRetire = onRetire
    }

    private func retire() {
        onRetire?()
        onRetire = nil
    }

    /// Whether new calls can start on this connection.
    var isUsable: Bool { !closed && !goingAway }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        loopSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        session = NGHTTP2Session(
            role: .client, delegate: self,
            settings: .init(
                maxConcurrentStreams: nil,
                initialStreamWindow: configuration.initialStreamWindow,
                connectionWindow: configuration.connectionWindow,
                maxHeaderListBytes: configuration.maxHeaderListBytes,
                enablePush: false
            ))
    }

    func channelActive(context: ChannelHandlerContext) {
        flush()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        retire()
        let open = calls
        calls.removeAll()
        for call in open.values {
            let reason = closeReason.map { ": \($0)" } ?? ""
            call.complete(
                .failure(
                    RPCError(code: .unavailable, message: "the connection closed before the call completed\(reason)")))
        }
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        loopSelf = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closed else { return }
        readBurstBegins()
        let buffer = unwrapInboundIn(data)
        let result = buffer.withUnsafeReadableBytes { session.receive($0) }
        if result != .ok {
            session.terminate(errorCode: NGHTTP2Session.ErrorCode.protocolError)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        readBurstEnded()
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closeReason = closeReason ?? "\(error)"
        context.close(promise: nil)
    }

    // MARK: Calls (on the event loop)

    /// Opens the call's stream.
    func start(_ call: ClientCall) {
        if let cancellation = call.cancellation {
            call.complete(.failure(cancellation))
            return
        }
        guard isUsable else {
            call.neverProcessed = true
            call.complete(
                .failure(
                    RPCError(
                        code: .unavailable,
                        message: closed
                            ? "the connection is closed" + (closeReason.map { ": \($0)" } ?? "")
                            : "the server is closing the connection (GOAWAY)")))
            return
        }
        guard let streamID = session.submitRequest(call.requestHeaders, endStream: false) else {
            call.neverProcessed = true
            call.complete(
                .failure(RPCError(code: .unavailable, message: "no stream could be opened on the connection")))
            return
        }
        call.streamID = streamID
        calls[streamID] = call
        if let timeout = call.timeout, let loopSelf {
            call.deadlineTimer = loopSelf.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
                loopSelf.value.deadlinePassed(call)
            }
        }
        scheduleFlush()
    }

    /// The client gave up on the call (its task was cancelled, or its request producer
    /// failed): reset the stream and end the call with `error`.
    func cancel(_ call: ClientCall, error: RPCError) {
        guard !call.finished else { return }
        guard call.streamID != 0 else {
            call.cancellation = error
            return
        }
        session.submitReset(streamID: call.streamID, errorCode: NGHTTP2Session.ErrorCode.cancel)
        call.complete(.failure(error))
        scheduleFlush()
    }

    /// The reader of a streaming response caught up: open the window held closed.
    func releaseHeldBytes(_ call: ClientCall) {
        guard !call.finished, call.heldBytes > 0 else { return }
        session.consumeStream(call.streamID, call.heldBytes)
        call.heldBytes = 0
        scheduleFlush()
    }

    /// A request producer queued something: resume the body and flush.
    func wake(_ call: ClientCall) {
        guard !call.finished, call.streamID != 0, case .stream(let queue) = call.body else { return }
        let work = queue.takeWakeWork()
        if work.wasDeferred || work.end != nil {
            session.resumeData(streamID: call.streamID)
        }
        scheduleFlush()
    }

    private func deadlinePassed(_ call: ClientCall) {
        guard !call.finished else { return }
        session.submitReset(streamID: call.streamID, errorCode: NGHTTP2Session.ErrorCode.cancel)
        call.complete(
            .failure(
                RPCError(code: .deadlineExceeded, message: "the call's deadline passed before the server answered")))
        scheduleFlush()
    }

    /// Ends a call on the client's initiative (bad response): the stream is reset.
    private func fail(_ call: ClientCall, _ error: RPCError) {
        guard !call.finished else { return }
        session.submitReset(streamID: call.streamID, errorCode: NGHTTP2Session.ErrorCode.cancel)
        call.complete(.failure(error))
    }

    /// Sends GOAWAY and closes.
    func close() {
        guard !closed else { return }
        goingAway = true
        closeRequested = true
        session.submitGoAway(errorCode: NGHTTP2Session.ErrorCode.noError)
        flush()
    }

    // MARK: Output

    /// Writes everything the session has to send in one write; closes the connection once it
    /// is written when `close()` asked for it or the session is done.
    func flush() {
        guard let context, let session else { return }
        let (buffer, healthy) = session.pendingOutput(allocator: context.channel.allocator)
        let written = buffer.map { context.writeAndFlush(wrapOutboundOut($0)) }
        if !closed, closeRequested || !healthy || (!session.wantsRead && !session.wantsWrite) {
            closed = true
            if let written, let loopSelf {
                written.whenComplete { _ in loopSelf.value.context?.close(promise: nil) }
            } else {
                context.close(promise: nil)
            }
        }
    }

    // MARK: Session events

    func sessionBeginHeaders(streamID: Int32) {
        calls[streamID]?.head = ClientResponseHead()
    }

    func sessionHeader(streamID: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        calls[streamID]?.head.add(name: name, value: value)
    }

    func sessionEndHeaders(streamID: Int32, endStream: Bool) {
        guard let call = calls[streamID], !call.finished else { return }
        let head = call.head
        if endStream {
            let status = head.status
            if call.responseHeaders == nil, status.code == .ok, let error = head.headersError {
                return call.complete(.failure(error))
            }
            if status.code == .ok {
                do throws(RPCError) {
                    try call.deframer.finish()
                    call.complete(.success(head.metadata))
                } catch {
                    call.complete(.failure(error))
                }
            } else {
                call.complete(.failure(RPCError(code: status.code, message: status.message, metadata: head.metadata)))
            }
            // The call is over; a request body still open would keep the stream alive.
            if session.isLocalOpen(streamID: streamID) {
                session.submitReset(streamID: streamID, errorCode: NGHTTP2Session.ErrorCode.cancel)
            }
            return
        }
        guard call.responseHeaders == nil else {
            return fail(call, RPCError(code: .internal, message: "the server sent trailers without END_STREAM"))
        }
        if let error = head.headersError {
            return fail(call, error)
        }
        call.deframer.encoding = head.messageEncoding
        call.deliver(headers: head.metadata)
    }

    func sessionData(streamID: Int32, bytes: UnsafeRawBufferPointer) {
        session.consumeConnection(bytes.count)
        guard let call = calls[streamID], !call.finished else {
            session.consumeStream(streamID, bytes.count)
            return
        }
        defer {
            if call.inbound?.shouldHold() == true {
                call.heldBytes += bytes.count
            } else {
                session.consumeStream(streamID, bytes.count)
            }
        }
        do throws(RPCError) {
            var deliveryError: RPCError?
            try call.deframer.process(bytes) { message in
                guard deliveryError == nil else { return }
                do throws(RPCError) { try call.deliver(message: message) } catch { deliveryError = error }
            }
            if let deliveryError { throw deliveryError }
        } catch {
            fail(call, error)
        }
    }

    func sessionDataEndStream(streamID: Int32) {
        guard let call = calls[streamID], !call.finished else { return }
        call.complete(.failure(RPCError(code: .internal, message: "the server ended the stream without trailers")))
    }

    func sessionStreamClosed(streamID: Int32, errorCode: UInt32) {
        guard let call = calls.removeValue(forKey: streamID) else { return }
        guard !call.finished else { return }
        call.neverProcessed = errorCode == NGHTTP2Session.ErrorCode.refusedStream
        let error: RPCError =
            switch errorCode {
            case NGHTTP2Session.ErrorCode.refusedStream:
                RPCError(code: .unavailable, message: "the server refused the stream (not processed; safe to retry)")
            case NGHTTP2Session.ErrorCode.cancel:
                RPCError(code: .cancelled, message: "the server cancelled the stream")
            case NGHTTP2Session.ErrorCode.noError:
                RPCError(code: .internal, message: "the stream closed without a status")
            default:
                RPCError(code: .internal, message: "the server reset the stream (HTTP/2 error code \(errorCode))")
            }
        call.complete(.failure(error))
    }

    func sessionReadData(streamID: Int32, into buffer: UnsafeMutableRawBufferPointer) -> NGHTTP2Session.DataRead {
        guard let call = calls[streamID] else { return .end(0, endStream: true) }
        switch call.body {
        case .single:
            return call.readSingle(into: buffer)
        case .stream(let queue):
            guard let (count, end) = queue.read(into: buffer) else { return .deferred }
            return end == nil ? .bytes(count) : .end(count, endStream: true)
        }
    }

    func sessionSentEndStream(streamID: Int32) {}

    func sessionGoAway(lastStreamID: Int32, errorCode: UInt32) {
        goingAway = true
        retire()
    }

    func sessionPingAcknowledged() {}
}

@available(*, unavailable)
extension ClientConnectionHandler: Sendable {}
