public import Metrics
public import QuantServeGRPC
public import QuantServeGRPCHTTP2

/// Counts a gRPC server's calls by method and status code, times them, and counts bytes and
/// refused connections: the `GRPCServer`'s `ServerObserver`. Every (method, code) series is
/// made up front, so the hot path is a lookup in immutable tables and one atomic increment (the
/// duration histogram takes swift-prometheus' lock).
public final class ServerTrafficMetrics: ServerObserver {
    /// The `method` label of calls to paths the router does not know.
    public static let unknownMethod = "unknown"

    private struct MethodSeries: Sendable {
        /// Indexed by `Status.Code.rawValue`.
        let byCode: [Metrics.Counter]
        let duration: Metrics.Timer
    }

    private let methods: [String: MethodSeries]
    private let unknown: MethodSeries
    private let received: Metrics.Counter
    private let sent: Metrics.Counter
    private let refused: Metrics.Counter

    /// Series for each of `methods` (the router's) and for unknown paths.
    public init(methods: [MethodDescriptor], factory: any MetricsFactory) {
        func series(_ method: String) -> MethodSeries {
            MethodSeries(
                byCode: Status.Code.allCases.map { code in
                    Counter(
                        label: MetricNames.requests, dimensions: [("method", method), ("code", code.description)],
                        factory: factory)
                },
                duration: Timer(label: MetricNames.requestDuration, dimensions: [("method", method)], factory: factory))
        }
        self.methods = Dictionary(methods.map { ($0.path, series($0.path)) }, uniquingKeysWith: { first, _ in first })
        unknown = series(Self.unknownMethod)
        received = Counter(label: MetricNames.receivedBytes, factory: factory)
        sent = Counter(label: MetricNames.sentBytes, factory: factory)
        refused = Counter(label: MetricNames.refusedConnections, factory: factory)
    }

    public func callEnded(method: String?, code: Status.Code, duration: Duration) {
        let series = method.flatMap { methods[$0] } ?? unknown
        series.byCode[code.rawValue].increment()
        series.duration.record(duration: duration)
    }

    public func bytesReceived(_ count: Int) { received.increment(by: count) }

    public func bytesSent(_ count: Int) { sent.increment(by: count) }

    public func connectionRefused() { refused.increment() }
}
