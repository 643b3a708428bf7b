public import QuantServeGRPC
import Synchronization

/// Runs one handler of a router in-process, without a transport: the requests come from a
/// stream the test feeds, the responses go to a recording sink.
public struct InProcessCall: Sendable {
    /// Collects what a handler sends.
    public final class Sink: RPCResponseSink {
        public let messages: AsyncStream<[UInt8]>
        private let continuation: AsyncStream<[UInt8]>.Continuation
        private let sentHeaders = Mutex<Metadata?>(nil)

        init() {
            (messages, continuation) = AsyncStream.makeStream(of: [UInt8].self)
        }

        public var headers: Metadata? { sentHeaders.withLock { $0 } }

        public func sendHeaders(_ metadata: Metadata) async throws {
            sentHeaders.withLock { $0 = metadata }
        }

        public func sendMessage(_ serialized: [UInt8]) async throws {
            continuation.yield(serialized)
        }

        func finish() { continuation.finish() }
    }

    public let sink = Sink()
    let requests: AsyncThrowingStream<[UInt8], any Error>.Continuation
    /// The handler's run: its trailers, or the `RPCError` it ended with.
    public let task: Task<Metadata, any Error>

    public init(
        _ service: some RPCService, _ method: MethodDescriptor, metadata: Metadata = [:],
        deadline: ContinuousClock.Instant? = nil
    ) {
        let router = RPCRouter(services: [service])
        guard let handler = router.handler(forPath: method.path) else { fatalError("\(method) is not registered") }
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: [UInt8].self)
        requests = continuation
        let context = ServerContext(
            method: method, metadata: metadata, deadline: deadline,
            peer: PeerAddress(description: "in-process", isLoopback: true))
        let sink = sink
        task = Task {
            defer { sink.finish() }
            do {
                return try await handler(RPCRequestStream(bytes: stream), RPCResponseWriter(sink: sink), context)
            } catch {
                // As the server transport ends a call: the client sees only the RPCError.
                throw RPCError(endingCallWith: error) ?? RPCError.unexpectedFailure
            }
        }
    }

    /// Sends one request message.
    public func send(_ message: some GRPCMessage) {
        requests.yield(message.serializedBytes())
    }

    /// Half-closes the request stream.
    public func finishRequests() {
        requests.finish()
    }

    /// Sends one message, half-closes and waits for every response and the trailers.
    public static func unary<Response: GRPCMessage>(
        _ service: some RPCService, _ method: MethodDescriptor, _ request: some GRPCMessage,
        as response: Response.Type, metadata: Metadata = [:], deadline: ContinuousClock.Instant? = nil
    ) async throws -> (responses: [Response], headers: Metadata?, trailers: Metadata) {
        let call = InProcessCall(service, method, metadata: metadata, deadline: deadline)
        call.send(request)
        call.finishRequests()
        let trailers = try await call.task.value
        return (try await call.responses(as: Response.self), call.sink.headers, trailers)
    }

    /// Every response message, once the handler has ended.
    public func responses<Response: GRPCMessage>(as type: Response.Type) async throws -> [Response] {
        var responses: [Response] = []
        for await bytes in sink.messages { responses.append(try Response(serializedBytes: bytes)) }
        return responses
    }
}
