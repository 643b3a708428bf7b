import NIOCore
import NIOPosix
public import QuantServeGRPC
import Synchronization

/// A gRPC client over one HTTP/2 connection, cleartext (prior knowledge) or TLS when the
/// configuration has `tls`, that carries any number of concurrent calls.
public final class GRPCClient: Sendable {
    /// The connection as the calling tasks see it.
    private struct Connection: Sendable {
        let channel: any Channel
        let handler: NIOLoopBound<ClientConnectionHandler>
    }

    private enum Phase {
        /// No connection: the next call (or `connect()`) opens one.
        case idle
        /// A connection is being opened; callers wait for this task.
        case connecting(Task<Connection, any Error>)
        case connected(Connection)
        case closed
    }

    /// The server's host name or address.
    public let host: String
    /// The server's port.
    public let port: Int
    private let configuration: ClientConfiguration
    private let authority: String
    private let group: any EventLoopGroup
    private let ownsGroup: Bool
    private let phase = Mutex(Phase.idle)

    /// A client for the server at `host`:`port`; call `connect()` before the first call.
    public init(host: String, port: Int, configuration: ClientConfiguration = .init()) {
        self.host = host
        self.port = port
        self.configuration = configuration
        self.authority = "\(host):\(port)"
        if let threads = configuration.eventLoopThreads {
            group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
            ownsGroup = true
        } else {
            group = MultiThreadedEventLoopGroup.singleton
            ownsGroup = false
        }
    }

    /// Opens the connection now rather than at the first call. Calls also (re)connect by
    /// themselves: after the server's GOAWAY or a dropped connection, the next call opens a
    /// new one.
    public func connect() async throws {
        _ = try await connection()
    }

    /// Sends GOAWAY, closes the connection (calls still open fail with UNAVAILABLE) and
    /// releases the client's threads. Later calls fail with UNAVAILABLE.
    public func close() async {
        let previous = phase.withLock { phase -> Phase in
            defer { phase = .closed }
            return phase
        }
        var connection: Connection?
        switch previous {
        case .connected(let open): connection = open
        case .connecting(let task): connection = try? await task.value
        case .idle, .closed: break
        }
        if let connection {
            connection.channel.eventLoop.execute { connection.handler.value.close() }
            try? await connection.channel.closeFuture.get()
        }
        if ownsGroup, !isClosedAlready(previous) {
            try? await group.shutdownGracefully()
        }
    }

    private func isClosedAlready(_ phase: Phase) -> Bool {
        if case .closed = phase { return true }
        return false
    }

    /// The open connection, opening one when there is none.
    private func connection() async throws -> Connection {
        let (existing, pending) = try phase.withLock { phase throws -> (Connection?, Task<Connection, any Error>?) in
            switch phase {
            case .connected(let connection):
                return (connection, nil)
            case .connecting(let task):
                return (nil, task)
            case .idle:
                let task = Task { try await self.openConnection() }
                phase = .connecting(task)
                return (nil, task)
            case .closed:
                throw RPCError(code: .unavailable, message: "the client is closed")
            }
        }
        if let existing { return existing }
        return try await pending!.value
    }

    private func openConnection() async throws -> Connection {
        let configuration = configuration
        let installed = Mutex<NIOLoopBound<ClientConnectionHandler>?>(nil)
        do {
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(TimeAmount(configuration.connectTimeout))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try TLSPipeline.addClientHandlers(configuration.tls, host: self.host, to: channel)
                        let handler = ClientConnectionHandler(configuration: configuration) { [weak self] in
                            self?.retire(channel)
                        }
                        try channel.pipeline.syncOperations.addHandler(handler)
                        installed.withLock { $0 = NIOLoopBound(handler, eventLoop: channel.eventLoop) }
                    }
                }
                .connect(host: host, port: port).get()
            guard let handler = installed.withLock({ $0 }) else {
                throw RPCError(code: .internal, message: "the connection handler was not installed")
            }
            let connection = Connection(channel: channel, handler: handler)
            let keep = phase.withLock { phase -> Bool in
                guard case .connecting = phase else { return false }
                phase = channel.isActive ? .connected(connection) : .idle
                return true
            }
            if !keep { channel.close(promise: nil) }
            return connection
        } catch {
            phase.withLock { phase in
                if case .connecting = phase { phase = .idle }
            }
            throw RPCError(code: .unavailable, message: "could not connect to \(authority): \(error)")
        }
    }

    /// The connection on `channel` takes no new calls (GOAWAY received or closed): the next
    /// call opens a new one.
    private func retire(_ channel: any Channel) {
        phase.withLock { phase in
            if case .connected(let connection) = phase, connection.channel === channel {
                phase = .idle
            }
        }
    }

    // MARK: Calls

    /// Calls a unary method. Throws `RPCError` when the call ends with any status but OK;
    /// cancelling the calling task resets the stream (RST_STREAM CANCEL).
    public func unary<Request: GRPCMessage, Response: GRPCMessage>(
        _ method: MethodDescriptor,
        request: Request,
        metadata: Metadata = [:],
        timeout: Duration? = nil,
        responseType: Response.Type = Response.self
    ) async throws -> ClientResponse<Response> {
        let body = try requestBody(request)
        let headers = try requestHeaders(method, metadata: metadata, timeout: timeout)
        let deadline = timeout.map { ContinuousClock.now + $0 }
        var attempt = 1
        var outcome: Result<ClientUnaryOutcome, RPCError>
        while true {
            let remaining = deadline.map { $0 - .now }
            if let remaining, remaining <= .zero {
                throw RPCError(code: .deadlineExceeded, message: "the call's deadline passed before it could be sent")
            }
            let call = ClientCall(
                requestHeaders: headers, timeout: remaining, body: body,
                maxReceiveMessageBytes: configuration.maxReceiveMessageBytes
            )
            outcome = await run(call, on: try await connection())
            // A stream the server never processed (refused, or beyond its GOAWAY) is retried
            // transparently on a fresh connection, as gRPC clients do.
            guard call.neverProcessed, attempt < Self.maxTransparentAttempts else { break }
            attempt += 1
        }
        let raw = try outcome.get()
        let serialized = try raw.message.decompressed(maxBytes: configuration.maxReceiveMessageBytes)
        let message: Response
        do {
            message = try Response(serializedBytes: serialized)
        } catch {
            throw RPCError(code: .internal, message: "could not decode the response message: \(error)")
        }
        return ClientResponse(message: message, headers: raw.headers, trailers: raw.trailers)
    }

    /// Runs a unary call on `connection` until it completes.
    private func run(_ call: ClientCall, on connection: Connection) async -> Result<ClientUnaryOutcome, RPCError> {
        await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in
                call.receiver = .unary(continuation)
                connection.channel.eventLoop.execute { connection.handler.value.start(call) }
            }
        } onCancel: {
            connection.channel.eventLoop.execute {
                connection.handler.value.cancel(call, error: Self.cancelledByCaller)
            }
        }
    }

    /// Calls a server-streaming method: `handler` gets the response headers and its messages.
    /// Returning from `handler` before the messages end cancels the call.
    public func serverStreaming<Request: GRPCMessage, Response: GRPCMessage, Result: Sendable>(
        _ method: MethodDescriptor,
        request: Request,
        metadata: Metadata = [:],
        timeout: Duration? = nil,
        responseType: Response.Type = Response.self,
        handler: (ClientStreamingResponse<Response>) async throws -> Result
    ) async throws -> Result {
        return try await streamingCall(
            method, metadata: metadata, timeout: timeout, body: try requestBody(request), producer: nil,
            handler: handler)
    }

    /// Calls a client-streaming method: `requestProducer` writes the requests; the call
    /// half-closes when it returns.
    public func clientStreaming<Request: GRPCMessage, Response: GRPCMessage>(
        _ method: MethodDescriptor,
        metadata: Metadata = [:],
        timeout: Duration? = nil,
        requestType: Request.Type = Request.self,
        responseType: Response.Type = Response.self,
        requestProducer: @escaping @Sendable (ClientRequestWriter<Request>) async throws -> Void
    ) async throws -> ClientResponse<Response> {
        try await bidirectionalStreaming(
            method, metadata: metadata, timeout: timeout, requestType: requestType, responseType: responseType,
            requestProducer: requestProducer
        ) { response in
            var message: Response?
            for try await received in response.messages {
                guard message == nil else {
                    throw RPCError(
                        code: .internal,
                        message: "the server sent more than one response message to a client-streaming call")
                }
                message = received
            }
            guard let message else {
                throw RPCError(
                    code: .internal, message: "the server ended a client-streaming call with OK but sent no message")
            }
            return ClientResponse(message: message, headers: response.headers, trailers: response.trailers)
        }
    }

    /// Calls a bidirectional-streaming method: `requestProducer` writes the requests (the call
    /// half-closes when it returns) while `handler` reads the responses. Returning from
    /// `handler` before the messages end cancels the call.
    public func bidirectionalStreaming<Request: GRPCMessage, Response: GRPCMessage, Result: Sendable>(
        _ method: MethodDescriptor,
        metadata: Metadata = [:],
        timeout: Duration? = nil,
        requestType: Request.Type = Request.self,
        responseType: Response.Type = Response.self,
        requestProducer: @escaping @Sendable (ClientRequestWriter<Request>) async throws -> Void,
        handler: (ClientStreamingResponse<Response>) async throws -> Result
    ) async throws -> Result {
        try await streamingCall(
            method, metadata: metadata, timeout: timeout, body: nil,
            producer: { queue in
                try await requestProducer(
                    ClientRequestWriter(
                        queue: queue, maxSendMessageBytes: self.configuration.maxSendMessageBytes,
                        compression: self.configuration.requestCompression
                    ))
            },
            handler: handler
        )
    }

    private func streamingCall<Response: GRPCMessage, Result: Sendable>(
        _ method: MethodDescriptor,
        metadata: Metadata,
        timeout: Duration?,
        body: ClientCall.Body?,
        producer: (@Sendable (OutboundMessageQueue) async throws -> Void)?,
        handler: (ClientStreamingResponse<Response>) async throws -> Result
    ) async throws -> Result {
        let connection = try await connection()
        let call = ClientCall(
            requestHeaders: try requestHeaders(method, metadata: metadata, timeout: timeout),
            timeout: timeout, body: body ?? .single([], compressed: false),
            maxReceiveMessageBytes: configuration.maxReceiveMessageBytes
        )
        let (events, continuation) = AsyncThrowingStream<ClientStreamEvent, any Error>.makeStream()
        let trailers = ClientTrailersBox()
        call.receiver = .streaming(continuation, trailers)
        let inbound = InboundFlowController(threshold: configuration.initialStreamWindow) { [weak call] in
            guard let call else { return }
            connection.channel.eventLoop.execute { connection.handler.value.releaseHeldBytes(call) }
        }
        call.inbound = inbound
        var queue: OutboundMessageQueue?
        if producer != nil {
            let created = OutboundMessageQueue(highWaterMark: 128 * 1024) { [weak call] in
                guard let call else { return }
                connection.channel.eventLoop.execute { connection.handler.value.wake(call) }
            }
            call.body = .stream(created)
            queue = created
        }
        let cancel: @Sendable (RPCError) -> Void = { error in
            connection.channel.eventLoop.execute { connection.handler.value.cancel(call, error: error) }
        }
        return try await withTaskCancellationHandler {
            connection.channel.eventLoop.execute { connection.handler.value.start(call) }
            return try await withThrowingTaskGroup(of: Void.self) { group in
                if let producer, let queue {
                    group.addTask {
                        do {
                            try await producer(queue)
                            queue.finish(.endStream)
                        } catch let error as RPCError {
                            cancel(error)
                        } catch {
                            cancel(RPCError(code: .cancelled, message: "the request producer failed: \(error)"))
                        }
                    }
                }
                var iterator = events.makeAsyncIterator()
                let first = try await iterator.next()
                var headers = Metadata()
                if case .headers(let received)? = first { headers = received }
                let response = ClientStreamingResponse<Response>(
                    headers: headers, events: iterator, trailers: trailers, inbound: inbound,
                    maxReceiveMessageBytes: configuration.maxReceiveMessageBytes
                )
                do {
                    let result = try await handler(response)
                    cancel(Self.handlerReturnedEarly)
                    group.cancelAll()
                    return result
                } catch {
                    cancel(Self.handlerReturnedEarly)
                    group.cancelAll()
                    throw error
                }
            }
        } onCancel: {
            cancel(Self.cancelledByCaller)
        }
    }

    // MARK: Helpers

    private static let maxTransparentAttempts = 3
    private static let cancelledByCaller = RPCError(code: .cancelled, message: "the call was cancelled by the client")
    private static let handlerReturnedEarly = RPCError(
        code: .cancelled, message: "the response handler returned before the call ended")

    /// The body of a one-message call: `request` serialized, checked against the send limit and
    /// compressed when the configuration asks for it.
    private func requestBody<Request: GRPCMessage>(_ request: Request) throws -> ClientCall.Body {
        let bytes = request.serializedBytes()
        guard bytes.count <= configuration.maxSendMessageBytes else {
            throw RPCError(
                code: .resourceExhausted,
                message:
                    "a request message of \(bytes.count) bytes exceeds the send limit of \(configuration.maxSendMessageBytes) bytes"
            )
        }
        if let compressed = MessageCompression.compress(bytes, with: configuration.requestCompression) {
            return .single(compressed, compressed: true)
        }
        return .single(bytes, compressed: false)
    }

    private func requestHeaders(_ method: MethodDescriptor, metadata: Metadata, timeout: Duration?) throws
        -> HTTP2HeaderList
    {
        var fields = HTTP2HeaderList(capacity: 8 + metadata.count)
        fields.add(":method", "POST")
        fields.add(":scheme", configuration.tls == nil ? "http" : "https")
        fields.add(":path", method.path)
        fields.add(":authority", authority)
        fields.add("content-type", "application/grpc")
        fields.add("te", "trailers")
        fields.add("user-agent", configuration.userAgent)
        if configuration.requestCompression != .identity {
            fields.add("grpc-encoding", configuration.requestCompression.rawValue)
        }
        fields.add("grpc-accept-encoding", MessageEncoding.acceptEncodingHeaderValue)
        if let timeout {
            guard timeout > .zero else {
                throw RPCError(
                    code: .deadlineExceeded, message: "the call's timeout (\(timeout)) had passed before it started")
            }
            fields.add("grpc-timeout", GRPCTimeout(timeout).wireEncoding)
        }
        try fields.add(metadata: metadata)
        return fields
    }
}
