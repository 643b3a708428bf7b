public import QuantServeGRPC
public import QuantServeGRPCHTTP2

/// A `ServerObserver` that records what a test server did, for tests to wait on: connections
/// opened, closed and refused, GOAWAYs sent and calls ended (`Observed`, so every event wakes
/// the waiters it satisfies).
public final class ServerEvents: ServerObserver {
    /// One ended call.
    public struct Call: Sendable, Equatable {
        public let method: String?
        public let code: Status.Code
        public init(method: String?, code: Status.Code) {
            self.method = method
            self.code = code
        }
    }

    /// Everything heard so far.
    public struct Tally: Sendable {
        public var opened = 0
        public var closed = 0
        public var refused = 0
        public var goAways: [String] = []
        public var calls: [Call] = []
        public var bytesReceived = 0
        public var bytesSent = 0
        /// Connections open now.
        public var open: Int { opened - closed }
    }

    public let tally = Observed(Tally())

    public init() {}

    /// Waits until `condition` holds for the tally (see `Observed.wait`).
    public func wait(until condition: @escaping @Sendable (Tally) -> Bool) async -> Bool {
        await tally.wait(until: condition)
    }

    public func callEnded(method: String?, code: Status.Code, duration: Duration) {
        tally.update { $0.calls.append(Call(method: method, code: code)) }
    }
    public func bytesReceived(_ count: Int) { tally.update { $0.bytesReceived += count } }
    public func bytesSent(_ count: Int) { tally.update { $0.bytesSent += count } }
    public func connectionRefused() { tally.update { $0.refused += 1 } }
    public func connectionOpened() { tally.update { $0.opened += 1 } }
    public func connectionClosed() { tally.update { $0.closed += 1 } }
    public func goAwaySent(reason: String) { tally.update { $0.goAways.append(reason) } }
}
