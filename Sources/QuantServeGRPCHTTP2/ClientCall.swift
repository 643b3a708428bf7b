import NIOCore
import QuantServeGRPC

/// The raw outcome of a unary call, before the message is decompressed and decoded.
struct ClientUnaryOutcome: Sendable {
    var message: ReceivedMessage
    var headers: Metadata
    var trailers: Metadata
}

/// One call on a client connection. Built by the calling task, then handed to the
/// connection's event loop, which alone touches it from then on (cancellation also hops
/// there), hence `@unchecked Sendable`.
final class ClientCall: @unchecked Sendable {
    /// Where the request body comes from.
    enum Body {
        /// One message, already known (unary and server-streaming calls), compressed or not.
        case single([UInt8], compressed: Bool)
        /// Messages written by a request producer.
        case stream(OutboundMessageQueue)
    }

    /// Who waits for the response.
    enum Receiver {
        case unary(UnsafeContinuation<Result<ClientUnaryOutcome, RPCError>, Never>)
        case streaming(AsyncThrowingStream<ClientStreamEvent, any Error>.Continuation, ClientTrailersBox)
    }

    let requestHeaders: HTTP2HeaderList
    let timeout: Duration?
    var body: Body
    var receiver: Receiver?
    var singleCursor = 0
    var streamID: Int32 = 0
    var deframer: GRPCMessageDeframer
    var head = ClientResponseHead()
    var responseHeaders: Metadata?
    var unaryMessage: ReceivedMessage?
    var finished = false
    /// Whether the call failed without the server processing it (never sent, refused, or
    /// above the last stream of the server's GOAWAY), so that it can be retried.
    var neverProcessed = false
    /// Why the client gave up on the call before it reached the event loop, if it did.
    var cancellation: RPCError?
    var deadlineTimer: Scheduled<Void>?
    /// Receive flow control of a streaming response; nil for unary calls, whose one message
    /// is bounded by the receive limit.
    var inbound: InboundFlowController?
    /// Received bytes whose stream-level WINDOW_UPDATE waits for the reader to catch up.
    var heldBytes = 0

    init(requestHeaders: HTTP2HeaderList, timeout: Duration?, body: Body, maxReceiveMessageBytes: Int) {
        self.requestHeaders = requestHeaders
        self.timeout = timeout
        self.body = body
        self.deframer = GRPCMessageDeframer(maxMessageBytes: maxReceiveMessageBytes)
    }

    /// Copies the next bytes of a single-message body (prefix first) into `buffer`.
    func readSingle(into buffer: UnsafeMutableRawBufferPointer) -> NGHTTP2Session.DataRead {
        guard case .single(let message, let compressed) = body else { return .deferred }
        let total = message.count + GRPCMessageDeframer.prefixLength
        var written = 0
        while singleCursor < GRPCMessageDeframer.prefixLength, written < buffer.count {
            buffer[written] = GRPCMessageFramer.prefixByte(singleCursor, length: message.count, compressed: compressed)
            singleCursor += 1
            written += 1
        }
        let offset = singleCursor - GRPCMessageDeframer.prefixLength
        let take = min(message.count - offset, buffer.count - written)
        if take > 0 {
            message.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(rebasing: buffer[written..<(written + take)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + take)]))
            }
            singleCursor += take
            written += take
        }
        return singleCursor == total ? .end(written, endStream: true) : .bytes(written)
    }

    /// Delivers a response message (still compressed: the reader decompresses it).
    func deliver(message: ReceivedMessage) throws(RPCError) {
        inbound?.messageQueued(size: message.bytes.count)
        switch receiver {
        case .unary?:
            guard unaryMessage == nil else {
                throw RPCError(
                    code: .internal, message: "the server sent more than one response message to a unary call")
            }
            unaryMessage = message
        case .streaming(let events, _)?:
            events.yield(.message(message))
        case nil:
            break
        }
    }

    /// Delivers the response headers.
    func deliver(headers: Metadata) {
        responseHeaders = headers
        if case .streaming(let events, _)? = receiver {
            events.yield(.headers(headers))
        }
    }

    /// Completes the call once: OK with trailers, or an error.
    func complete(_ result: Result<Metadata, RPCError>) {
        guard !finished else { return }
        finished = true
        deadlineTimer?.cancel()
        deadlineTimer = nil
        if case .stream(let queue) = body {
            switch result {
            case .success: queue.fail(RPCError(code: .failedPrecondition, message: "the call already completed"))
            case .failure(let error): queue.fail(error)
            }
        }
        switch receiver {
        case .unary(let continuation)?:
            switch result {
            case .success(let trailers):
                if let message = unaryMessage {
                    continuation.resume(
                        returning: .success(
                            ClientUnaryOutcome(message: message, headers: responseHeaders ?? [:], trailers: trailers)))
                } else {
                    continuation.resume(
                        returning: .failure(
                            RPCError(
                                code: .internal, message: "the server ended a unary call with OK but sent no message")))
                }
            case .failure(let error):
                continuation.resume(returning: .failure(error))
            }
        case .streaming(let events, let trailersBox)?:
            switch result {
            case .success(let trailers):
                trailersBox.value = trailers
                events.finish()
            case .failure(let error):
                trailersBox.value = error.metadata
                events.finish(throwing: error)
            }
        case nil:
            break
        }
        receiver = nil
        body = .single([], compressed: false)
    }
}
