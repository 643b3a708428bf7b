import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeTestSupport
import Synchronization
import Testing

/// `ServerConfiguration.observer` hears each call's end with its code, the bytes moved and
/// refused connections, before the client learns of any of them.
@Suite(.tags(.loopback)) struct ServerObserverTests {
    /// Everything the server reported.
    final class Recorder: ServerObserver {
        struct Call: Equatable {
            let method: String?
            let code: Status.Code
        }

        private let state = Mutex((calls: [Call](), received: 0, sent: 0, refused: 0))
        var calls: [Call] { state.withLock { $0.calls } }
        var received: Int { state.withLock { $0.received } }
        var sent: Int { state.withLock { $0.sent } }
        var refused: Int { state.withLock { $0.refused } }

        func callEnded(method: String?, code: Status.Code, duration: Duration) {
            precondition(duration >= .zero)
            state.withLock { $0.calls.append(Call(method: method, code: code)) }
        }

        func bytesReceived(_ count: Int) { state.withLock { $0.received += count } }
        func bytesSent(_ count: Int) { state.withLock { $0.sent += count } }
        func connectionRefused() { state.withLock { $0.refused += 1 } }
    }

    @Test func hearsEachCallsCodeTheBytesAndRefusals() async throws {
        let recorder = Recorder()
        var configuration = ServerConfiguration(maxConnections: 1)
        configuration.observer = recorder
        let harness = try await TestHarness.start(configuration: configuration)

        _ = try await harness.client.unary(
            TestMethods.echo, request: RawMessage("hello"), responseType: RawMessage.self)
        #expect(recorder.calls == [.init(method: TestMethods.echo.path, code: .ok)])
        let failed = await #expect(throws: RPCError.self) {
            try await harness.client.unary(TestMethods.fail, request: RawMessage("5"), responseType: RawMessage.self)
        }
        #expect(failed?.code == .notFound)
        let unknown = MethodDescriptor(service: "nowhere.Service", method: "Missing")
        await #expect(throws: RPCError.self) {
            try await harness.client.unary(unknown, request: RawMessage("?"), responseType: RawMessage.self)
        }
        #expect(
            recorder.calls == [
                .init(method: TestMethods.echo.path, code: .ok), .init(method: TestMethods.fail.path, code: .notFound),
                .init(method: nil, code: .unimplemented),
            ])
        #expect(recorder.received > 5 && recorder.sent > 5, "\(recorder.received) bytes in, \(recorder.sent) out")

        let refused = try await RawConnection.connect(port: harness.port)
        try? await refused.write(HTTP2Frame.clientPreface)  // the server may have closed already
        #expect(await ConnectionDefenceTests.goAway(on: refused) != nil)
        #expect(recorder.refused == 1)
        await harness.stop()
    }
}
