import QuantServeGRPC
import QuantServeTestSupport

/// A message that is just its bytes.
struct RawMessage: GRPCMessage, Equatable {
    var bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }
    init(_ text: String) { self.bytes = Array(text.utf8) }
    init(serializedBytes: [UInt8]) throws { self.bytes = serializedBytes }
    func serializedBytes() -> [UInt8] { bytes }

    var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// What the test service's handlers observed, for tests to wait on (e.g. a call started, or was
/// cancelled): every change wakes the waiters it satisfies.
final class HandlerProbe: Sendable {
    struct Counts: Sendable {
        var started = 0, cancelled = 0, completed = 0, released = 0
    }

    private let counts = Observed(Counts())

    func started() { counts.update { $0.started += 1 } }
    func cancelled() { counts.update { $0.cancelled += 1 } }
    func completed() { counts.update { $0.completed += 1 } }
    /// Lets the calls parked in `Park` answer.
    func releaseParkedCalls() { counts.update { $0.released += 1 } }

    var startedCount: Int { counts.value.started }
    var cancelledCount: Int { counts.value.cancelled }
    var completedCount: Int { counts.value.completed }

    /// Waits until `condition` holds (false only after the failure detector's bound).
    func wait(until condition: @escaping @Sendable (Counts) -> Bool) async -> Bool {
        await counts.wait(until: condition)
    }
}

/// The methods of the test service `test.Echo`.
enum TestMethods {
    static let echo = MethodDescriptor(service: "test.Echo", method: "Echo")
    static let fail = MethodDescriptor(service: "test.Echo", method: "Fail")
    static let sleep = MethodDescriptor(service: "test.Echo", method: "Sleep")
    static let big = MethodDescriptor(service: "test.Echo", method: "Big")
    static let expand = MethodDescriptor(service: "test.Echo", method: "Expand")
    static let collect = MethodDescriptor(service: "test.Echo", method: "Collect")
    static let chat = MethodDescriptor(service: "test.Echo", method: "Chat")
    static let flood = MethodDescriptor(service: "test.Echo", method: "Flood")
    static let hold = MethodDescriptor(service: "test.Echo", method: "Hold")
    static let peer = MethodDescriptor(service: "test.Echo", method: "Peer")
    static let park = MethodDescriptor(service: "test.Echo", method: "Park")
}

/// A service exercising every call shape with raw-bytes messages.
struct TestService: RPCService {
    let probe: HandlerProbe

    func register(in router: inout RPCRouter) {
        // Echoes the request; echoes custom metadata into headers and trailers.
        router.registerUnary(TestMethods.echo, request: RawMessage.self, response: RawMessage.self) {
            request, context in
            var headers = Metadata()
            var trailers = Metadata()
            for entry in context.metadata where entry.key.hasPrefix("echo-") {
                switch entry.value {
                case .string(let text):
                    headers.add(entry.key, text)
                    trailers.add(entry.key + "-trailer", text)
                case .binary(let bytes):
                    headers.add(entry.key, binary: bytes)
                    trailers.add(String(entry.key.dropLast(4)) + "-trailer-bin", binary: bytes)
                }
            }
            return ServerResponse(request, headers: headers, trailers: trailers)
        }
        // Fails with the code named by the request ("5" → NOT_FOUND) and a message with non-ASCII.
        router.registerUnary(TestMethods.fail, request: RawMessage.self, response: RawMessage.self) { request, _ in
            let code = Status.Code(rawValue: Int(request.text) ?? 2) ?? .unknown
            throw RPCError(
                code: code, message: "requested failure ✓ 100% (\(code))", metadata: ["failure-detail": "as asked"])
        }
        // Sleeps for the milliseconds the request names, observing cancellation.
        router.registerUnary(TestMethods.sleep, request: RawMessage.self, response: RawMessage.self) {
            [probe] request, _ in
            probe.started()
            do {
                try await Task.sleep(for: .milliseconds(Int(request.text) ?? 0))
            } catch {
                probe.cancelled()
                throw error
            }
            probe.completed()
            return ServerResponse(RawMessage("slept"))
        }
        // Waits until the test calls `probe.releaseParkedCalls()`, then answers "released".
        router.registerUnary(TestMethods.park, request: RawMessage.self, response: RawMessage.self) { [probe] _, _ in
            probe.started()
            guard await probe.wait(until: { $0.released > 0 }) else {
                throw RPCError(code: .internal, message: "never released")
            }
            probe.completed()
            return ServerResponse(RawMessage("released"))
        }
        // Answers with as many bytes as the request names.
        router.registerUnary(TestMethods.big, request: RawMessage.self, response: RawMessage.self) { request, _ in
            let count = Int(request.text) ?? 0
            return ServerResponse(RawMessage((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) }))
        }
        // Streams as many messages as the request names: "0", "1", ...
        router.registerServerStreaming(TestMethods.expand, request: RawMessage.self, response: RawMessage.self) {
            request, writer, _ in
            for index in 0..<(Int(request.text) ?? 0) {
                try await writer.write(RawMessage(String(index)))
            }
            return ["streamed": "yes"]
        }
        // Streams "count,size": count messages of size bytes each.
        router.registerServerStreaming(TestMethods.flood, request: RawMessage.self, response: RawMessage.self) {
            request, writer, _ in
            let parts = request.text.split(separator: ",").compactMap { Int($0) }
            guard parts.count == 2 else { throw RPCError(code: .invalidArgument, message: "expected count,size") }
            for index in 0..<parts[0] {
                try await writer.write(
                    RawMessage([UInt8](repeating: UInt8(truncatingIfNeeded: index), count: parts[1])))
            }
            return [:]
        }
        // Reads one request, then holds the call without reading until cancelled.
        router.registerClientStreaming(TestMethods.hold, request: RawMessage.self, response: RawMessage.self) {
            [probe] requests, _ in
            var iterator = requests.makeAsyncIterator()
            _ = try await iterator.next()
            probe.started()
            do {
                try await Task.sleep(for: .seconds(30))
            } catch {
                probe.cancelled()
                throw error
            }
            return ServerResponse(RawMessage("held"))
        }
        // Answers with the peer's address and whether it is loopback: "ipv4:127.0.0.1:port true".
        router.registerUnary(TestMethods.peer, request: RawMessage.self, response: RawMessage.self) { _, context in
            ServerResponse(RawMessage("\(context.peer) \(context.peer.isLoopback)"))
        }
        // Answers with the total size and count of the requests: "bytes/count".
        router.registerClientStreaming(TestMethods.collect, request: RawMessage.self, response: RawMessage.self) {
            requests, _ in
            var bytes = 0
            var count = 0
            for try await request in requests {
                bytes += request.bytes.count
                count += 1
            }
            return ServerResponse(RawMessage("\(bytes)/\(count)"))
        }
        // Echoes each request as it arrives.
        router.registerBidirectionalStreaming(TestMethods.chat, request: RawMessage.self, response: RawMessage.self) {
            requests, writer, _ in
            for try await request in requests {
                try await writer.write(RawMessage("echo:" + request.text))
            }
            return [:]
        }
    }
}
