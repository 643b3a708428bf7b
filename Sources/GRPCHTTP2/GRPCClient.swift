public import GRPCCore
import NIOCore
import NIOPosix
import Synchronization

/// A gRPC client over one cleartext HTTP/2 connection (prior knowledge) that carries any
/// number of concurrent calls.
public final class GRPCClient: Sendable {
    /// The connection as the calling tasks see it.
    private struct Connection: Sendable {
        let channel: any Channel
        let handler: NIOLoopBound<ClientConnectionHandler>
    }

    private enum Phase {
        case idle
        case connecting
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

    /// Opens the connection.
    public func connect() async throws {
        try phase.withLock { phase in
            guard case .idle = phase else {
                throw RPCError(code: .failedPrecondition, message: "the client is already connected or closed")
            }
            phase = .connecting
        }
        let configuration = configuration
        do {
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(TimeAmount(configuration.connectTimeout))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ClientConnectionHandler(configuration: configuration))
                    }
                }
                .connect(host: host, port: port).get()
            let handler = try await channel.eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: ClientConnectionHandler.self), eventLoop: channel.eventLoop)
            }.get()
            phase.withLock { $0 = .connected(Connection(channel: channel, handler: handler)) }
        } catch {
            phase.withLock { $0 = .idle }
            throw RPCError(code: .unavailable, message: "could not connect to \(authority): \(error)")
        }
    }

    /// Sends GOAWAY, closes the connection (calls still open fail with UNAVAILABLE) and
    /// releases the client's threads.
    public func close() async {
        let connection = phase.withLock { phase -> Connection? in
            defer { phase = .closed }
            if case .connected(let connection) = phase { return connection }
            return nil
        }
        if let connection {
            connection.channel.eventLoop.execute { connection.handler.value.close() }
            try? await connection.channel.closeFuture.get()
        }
        if ownsGroup {
            try? await group.shutdownGracefully()
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
        let connection = try currentConnection()
        let bytes = request.serializedBytes()
        try checkSendLimit(bytes.count)
        let call = ClientCall(
            requestHeaders: try requestHeaders(method, metadata: metadata, timeout: timeout),
            timeout: timeout, body: .single(bytes), maxReceiveMessageBytes: configuration.maxReceiveMessageBytes
        )
        let outcome = await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in
                call.receiver = .unary(continuation)
                connection.channel.eventLoop.execute { connection.handler.value.start(call) }
            }
        } onCancel: {
            connection.channel.eventLoop.execute { connection.handler.value.cancel(call) }
        }
        let raw = try outcome.get()
        let message: Response
        do {
            message = try Response(serializedBytes: raw.message)
        } catch {
            throw RPCError(code: .internal, message: "could not decode the response message: \(error)")
        }
        return ClientResponse(message: message, headers: raw.headers, trailers: raw.trailers)
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
        let bytes = request.serializedBytes()
        try checkSendLimit(bytes.count)
        return try await streamingCall(method, metadata: metadata, timeout: timeout, body: .single(bytes), producer: nil, handler: handler)
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
                    throw RPCError(code: .internal, message: "the server sent more than one response message to a client-streaming call")
                }
                message = received
            }
            guard let message else {
                throw RPCError(code: .internal, message: "the server ended a client-streaming call with OK but sent no message")
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
            producer: { queue in try await requestProducer(ClientRequestWriter(queue: queue, maxSendMessageBytes: self.configuration.maxSendMessageBytes)) },
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
        let connection = try currentConnection()
        let call = ClientCall(
            requestHeaders: try requestHeaders(method, metadata: metadata, timeout: timeout),
            timeout: timeout, body: body ?? .single([]), maxReceiveMessageBytes: configuration.maxReceiveMessageBytes
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
        let cancel: @Sendable () -> Void = {
            connection.channel.eventLoop.execute { connection.handler.value.cancel(call) }
        }
        return try await withTaskCancellationHandler {
            connection.channel.eventLoop.execute { connection.handler.value.start(call) }
            return try await withThrowingTaskGroup(of: Void.self) { group in
                if let producer, let queue {
                    group.addTask {
                        do {
                            try await producer(queue)
                            queue.finish(.endStream)
                        } catch {
                            cancel()
                        }
                    }
                }
                var iterator = events.makeAsyncIterator()
                let first = try await iterator.next()
                var headers = Metadata()
                if case .headers(let received)? = first { headers = received }
                let response = ClientStreamingResponse<Response>(headers: headers, events: iterator, trailers: trailers, inbound: inbound)
                do {
                    let result = try await handler(response)
                    cancel()
                    group.cancelAll()
                    return result
                } catch {
                    cancel()
                    group.cancelAll()
                    throw error
                }
            }
        } onCancel: {
            cancel()
        }
    }

    // MARK: Helpers

    private func currentConnection() throws -> Connection {
        try phase.withLock { phase in
            switch phase {
            case .connected(let connection): return connection
            case .idle, .connecting: throw RPCError(code: .unavailable, message: "the client is not connected; call connect() first")
            case .closed: throw RPCError(code: .unavailable, message: "the client is closed")
            }
        }
    }

    private func checkSendLimit(_ count: Int) throws {
        guard count <= configuration.maxSendMessageBytes else {
            throw RPCError(
                code: .resourceExhausted,
                message: "a request message of \(count) bytes exceeds the send limit of \(configuration.maxSendMessageBytes) bytes"
            )
        }
    }

    private func requestHeaders(_ method: MethodDescriptor, metadata: Metadata, timeout: Duration?) throws -> HTTP2HeaderList {
        var fields = HTTP2HeaderList(capacity: 8 + metadata.count)
        fields.add(":method", "POST")
        fields.add(":scheme", "http")
        fields.add(":path", method.path)
        fields.add(":authority", authority)
        fields.add("content-type", "application/grpc")
        fields.add("te", "trailers")
        fields.add("user-agent", configuration.userAgent)
        if let timeout {
            guard timeout > .zero else {
                throw RPCError(code: .deadlineExceeded, message: "the call's timeout (\(timeout)) had passed before it started")
            }
            fields.add("grpc-timeout", GRPCTimeout(timeout).wireEncoding)
        }
        try fields.add(metadata: metadata)
        return fields
    }
}
