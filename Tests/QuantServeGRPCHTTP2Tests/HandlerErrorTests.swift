import Logging
import QuantServeGRPC
import QuantServeGRPCHTTP2
import Synchronization
import Testing

/// How a handler's thrown error becomes the call's status, over a real server and client:
/// converted once by the server, never by the handler.
@Suite struct HandlerErrorTests {
    /// An error the handler does not expect; its text must reach the log but not the client.
    struct SecretFailure: Error, CustomStringConvertible {
        var description: String { "disk /srv/secret-path is full" }
    }

    /// A domain error that knows its status, thrown as it is.
    struct QuotaExceeded: RPCErrorConvertible {
        var rpcErrorCode: Status.Code { .resourceExhausted }
        var rpcErrorMessage: String { "the quota of 3 calls is used up" }
        var rpcErrorMetadata: Metadata { ["retry-after-ms": "250"] }
    }

    /// A domain error that keeps the default (empty) metadata.
    struct NothingHere: RPCErrorConvertible {
        var rpcErrorCode: Status.Code { .notFound }
        var rpcErrorMessage: String { "nothing here" }
    }

    static let plain = MethodDescriptor(service: "test.Errors", method: "Plain")
    static let domain = MethodDescriptor(service: "test.Errors", method: "Domain")
    static let domainNoMetadata = MethodDescriptor(service: "test.Errors", method: "DomainNoMetadata")
    static let streamingPlain = MethodDescriptor(service: "test.Errors", method: "StreamingPlain")

    struct ErrorService: RPCService {
        func register(in router: inout RPCRouter) {
            router.registerUnary(plain, request: RawMessage.self, response: RawMessage.self) { _, _ in
                throw SecretFailure()
            }
            router.registerUnary(domain, request: RawMessage.self, response: RawMessage.self) { _, _ in
                throw QuotaExceeded()
            }
            router.registerUnary(domainNoMetadata, request: RawMessage.self, response: RawMessage.self) { _, _ in
                throw NothingHere()
            }
            router.registerServerStreaming(streamingPlain, request: RawMessage.self, response: RawMessage.self) {
                _, writer, _ in
                try await writer.write(RawMessage("first"))
                throw SecretFailure()
            }
        }
    }

    /// Collects every log line the server writes.
    final class LogRecorder: LogHandler, @unchecked Sendable {
        let lines = Mutex<[(level: Logger.Level, message: String, metadata: Logger.Metadata)]>([])
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            lines.withLock { $0.append((event.level, event.message.description, event.metadata ?? [:])) }
        }
    }

    /// Runs `body` against a real server on a loopback port, with its log recorded.
    func withServer(_ body: (GRPCClient, LogRecorder) async throws -> Void) async throws {
        let recorder = LogRecorder()
        let logger = Logger(label: "test.errors") { _ in recorder }
        let server = GRPCServer(
            router: RPCRouter(services: [ErrorService()]),
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), logger: logger)
        let port = try await server.start()
        let client = GRPCClient(host: "127.0.0.1", port: port)
        try await client.connect()
        do {
            try await body(client, recorder)
        } catch {
            await client.close()
            await server.shutdown(gracePeriod: .seconds(1))
            throw error
        }
        await client.close()
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func plainSwiftErrorIsInternalWithoutItsTextOnTheWireAndLogged() async throws {
        try await withServer { client, recorder in
            let error = await #expect(throws: RPCError.self) {
                _ = try await client.unary(Self.plain, request: RawMessage("x"), responseType: RawMessage.self)
            }
            #expect(error?.code == .internal)
            #expect(error?.message == "internal error")
            #expect(error?.description.contains("secret") == false)
            // The server logs the detail before it sends the status, so it is there now.
            let logged = recorder.lines.withLock { lines in
                lines.filter {
                    $0.level == .error && $0.metadata["error"]?.description.contains("/srv/secret-path") == true
                }
            }
            #expect(logged.count == 1)
            #expect(logged.first?.metadata["method"]?.description == Self.plain.description)
        }
    }

    @Test func plainSwiftErrorAfterAResponseMessageIsInternalToo() async throws {
        try await withServer { client, _ in
            let error = await #expect(throws: RPCError.self) {
                try await client.serverStreaming(
                    Self.streamingPlain, request: RawMessage("x"), responseType: RawMessage.self
                ) { response in
                    for try await _ in response.messages {}
                }
            }
            #expect(error?.code == .internal)
            #expect(error?.message == "internal error")
        }
    }

    @Test func domainErrorThrownWithoutWrapperKeepsItsStatusAndMetadata() async throws {
        try await withServer { client, recorder in
            let error = await #expect(throws: RPCError.self) {
                _ = try await client.unary(Self.domain, request: RawMessage("x"), responseType: RawMessage.self)
            }
            #expect(error?.code == .resourceExhausted)
            #expect(error?.message == "the quota of 3 calls is used up")
            #expect(error?.metadata.first("retry-after-ms") == "250")
            #expect(
                recorder.lines.withLock { $0.allSatisfy { $0.level < .error } }, "a known error is not a server fault")

            let bare = await #expect(throws: RPCError.self) {
                _ = try await client.unary(
                    Self.domainNoMetadata, request: RawMessage("x"), responseType: RawMessage.self)
            }
            #expect(bare == RPCError(code: .notFound, message: "nothing here"))
        }
    }
}
