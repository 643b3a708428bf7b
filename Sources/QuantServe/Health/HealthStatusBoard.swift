import QuantServeAPI
import Synchronization

/// The serving status of every service name the health service answers for: `""` for the
/// server as a whole, and whatever names others register (the model registry sets one per
/// model). Thread-safe; anyone may update it at any time, and every `Watch` sees the change.
public final class HealthStatusBoard: Sendable {
    /// A serving status, as `grpc.health.v1` reports it.
    public typealias ServingStatus = HealthCheckResponse.ServingStatus

    /// The service name of the server as a whole.
    public static let server = ""

    private struct Watcher {
        let service: String
        let continuation: AsyncStream<ServingStatus>.Continuation
    }

    private struct State {
        var statuses: [String: ServingStatus]
        var watchers: [UInt64: Watcher] = [:]
        var nextWatcherID: UInt64 = 0
        var isShutDown = false
    }

    private let state: Mutex<State>

    /// A board on which the server as a whole (`""`) has `serverStatus`.
    public init(serverStatus: ServingStatus = .serving) {
        state = Mutex(State(statuses: [Self.server: serverStatus]))
    }

    /// The status of `service`, or nil when the name is not registered.
    public func status(of service: String) -> ServingStatus? {
        state.withLock { $0.statuses[service] }
    }

    /// Sets the status of `service`, registering the name if it is new, and tells its watchers
    /// when the status changed. Ignored once the board is shut down.
    public func setStatus(_ status: ServingStatus, for service: String) {
        update(service, to: status)
    }

    /// Unregisters `service`: `Check` answers NOT_FOUND and watchers see SERVICE_UNKNOWN.
    public func removeService(_ service: String) {
        update(service, to: nil)
    }

    /// Marks every service NOT_SERVING, tells the watchers and ends every `Watch`, so that a
    /// graceful shutdown does not wait for them. Later updates are ignored.
    public func shutDown() {
        let watchers = state.withLock { state -> [Watcher] in
            guard !state.isShutDown else { return [] }
            state.isShutDown = true
            for service in state.statuses.keys { state.statuses[service] = .notServing }
            let watchers = Array(state.watchers.values)
            state.watchers.removeAll()
            return watchers
        }
        for watcher in watchers {
            watcher.continuation.yield(.notServing)
            watcher.continuation.finish()
        }
    }

    /// The status of `service` now (SERVICE_UNKNOWN when not registered), then every change,
    /// until the board shuts down or the consumer stops. A slow consumer skips to the newest status.
    public func updates(for service: String) -> AsyncStream<ServingStatus> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: ServingStatus.self, bufferingPolicy: .bufferingNewest(1))
        let watcherID = state.withLock { state -> UInt64? in
            continuation.yield(state.statuses[service] ?? .serviceUnknown)
            guard !state.isShutDown else { return nil }
            let id = state.nextWatcherID
            state.nextWatcherID += 1
            state.watchers[id] = Watcher(service: service, continuation: continuation)
            return id
        }
        guard let watcherID else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.watchers.removeValue(forKey: watcherID) }
        }
        return stream
    }

    /// Sets (or with nil removes) a status and notifies the service's watchers of a change.
    private func update(_ service: String, to status: ServingStatus?) {
        state.withLock { state in
            guard !state.isShutDown, state.statuses[service] != status else { return }
            state.statuses[service] = status
            let visible = status ?? .serviceUnknown
            // Yielding under the lock keeps every watcher's sequence in the order of the updates.
            for watcher in state.watchers.values where watcher.service == service {
                watcher.continuation.yield(visible)
            }
        }
    }
}
