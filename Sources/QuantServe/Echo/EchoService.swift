import QuantServeAPI
import QuantServeGRPC

/// The test service `testing.v1.Echo`: every call shape, with injected delays and failures,
/// for the transport's tests and benchmarks.
///
/// - `Get` answers one request with its message and payload.
/// - `Expand` sends `count` responses (index 0, 1, …), each after `delay_ms`.
/// - `Collect` answers a stream of requests with their messages joined by spaces, their
///   payloads concatenated and `index` set to how many requests came.
/// - `Update` answers each request as it comes, `index` counting from 0.
///
/// Every request's `delay_ms` is slept before it is answered; the sleep ends early with
/// CANCELLED when the call is cancelled and with DEADLINE_EXCEEDED at the call's deadline.
/// A request with `fail_with_code` fails the call with that code and `message` as the status
/// message (`Expand` first sends its `count` responses). Client metadata under
/// `x-grpc-test-echo-initial` comes back in the response headers, and under
/// `x-grpc-test-echo-trailing-bin` in the trailers (of failed calls too).
public struct EchoService: RPCService {
    /// The metadata key echoed in the response headers.
    public static let echoInitialKey = "x-grpc-test-echo-initial"
    /// The metadata key echoed in the trailers.
    public static let echoTrailingKey = "x-grpc-test-echo-trailing-bin"

    /// An echo service.
    public init() {}

    /// Registers `Get`, `Expand`, `Collect` and `Update`.
    public func register(in router: inout RPCRouter) {
        router.registerUnary(EchoMethods.get, request: EchoRequest.self, response: EchoResponse.self) {
            request, context in
            let echoed = EchoedMetadata(context)
            try await Self.perform(request, context: context, echoed: echoed)
            return ServerResponse(
                EchoResponse(message: request.message, payload: request.payload),
                headers: echoed.headers,
                trailers: echoed.trailers
            )
        }
        router.registerServerStreaming(EchoMethods.expand, request: EchoRequest.self, response: EchoResponse.self) {
            request, writer, context in
            let echoed = EchoedMetadata(context)
            try await writer.writeHeaders(echoed.headers)
            for index in 0..<request.count {
                try await Self.sleep(request.delayMs, context: context, echoed: echoed)
                try await writer.write(EchoResponse(message: request.message, payload: request.payload, index: index))
            }
            try Self.failIfAsked(request, echoed: echoed)
            return echoed.trailers
        }
        router.registerClientStreaming(EchoMethods.collect, request: EchoRequest.self, response: EchoResponse.self) {
            requests, context in
            let echoed = EchoedMetadata(context)
            var messages: [String] = []
            var payload: [UInt8] = []
            for try await request in requests {
                try await Self.perform(request, context: context, echoed: echoed)
                messages.append(request.message)
                payload.append(contentsOf: request.payload)
            }
            return ServerResponse(
                EchoResponse(message: messages.joined(separator: " "), payload: payload, index: UInt32(messages.count)),
                headers: echoed.headers,
                trailers: echoed.trailers
            )
        }
        router.registerBidirectionalStreaming(
            EchoMethods.update, request: EchoRequest.self, response: EchoResponse.self
        ) { requests, writer, context in
            let echoed = EchoedMetadata(context)
            try await writer.writeHeaders(echoed.headers)
            var index: UInt32 = 0
            for try await request in requests {
                try await Self.perform(request, context: context, echoed: echoed)
                try await writer.write(EchoResponse(message: request.message, payload: request.payload, index: index))
                index += 1
            }
            return echoed.trailers
        }
    }

    /// Sleeps the request's delay, then fails if it asks to.
    private static func perform(_ request: EchoRequest, context: ServerContext, echoed: EchoedMetadata) async throws {
        try await sleep(request.delayMs, context: context, echoed: echoed)
        try failIfAsked(request, echoed: echoed)
    }

    /// Sleeps `milliseconds`, or until the call's deadline (then DEADLINE_EXCEEDED), or until
    /// the call is cancelled (then the sleep throws `CancellationError`).
    private static func sleep(_ milliseconds: UInt32, context: ServerContext, echoed: EchoedMetadata) async throws {
        guard milliseconds > 0 else { return }
        let wakeUp = ContinuousClock.now + .milliseconds(milliseconds)
        if let deadline = context.deadline, deadline < wakeUp {
            try await Task.sleep(until: deadline, clock: .continuous)
            throw RPCError(
                code: .deadlineExceeded, message: "deadline passed during a \(milliseconds) ms delay",
                metadata: echoed.trailers)
        }
        try await Task.sleep(until: wakeUp, clock: .continuous)
    }

    /// Throws the status the request asks for with `fail_with_code`, if any.
    private static func failIfAsked(_ request: EchoRequest, echoed: EchoedMetadata) throws {
        guard request.failWithCode != 0 else { return }
        guard let code = Status.Code(rawValue: Int(request.failWithCode)) else {
            throw RPCError(
                code: .invalidArgument, message: "fail_with_code \(request.failWithCode) is not a gRPC status code",
                metadata: echoed.trailers)
        }
        throw RPCError(code: code, message: request.message, metadata: echoed.trailers)
    }
}

/// The client metadata an echo call sends back: headers and trailers.
private struct EchoedMetadata {
    var headers: Metadata = [:]
    var trailers: Metadata = [:]

    init(_ context: ServerContext) {
        for entry in context.metadata {
            switch entry.key {
            case EchoService.echoInitialKey: Self.add(entry, to: &headers)
            case EchoService.echoTrailingKey: Self.add(entry, to: &trailers)
            default: break
            }
        }
    }

    private static func add(_ entry: Metadata.Entry, to metadata: inout Metadata) {
        switch entry.value {
        case .string(let text): metadata.add(entry.key, text)
        case .binary(let bytes): metadata.add(entry.key, binary: bytes)
        }
    }
}
