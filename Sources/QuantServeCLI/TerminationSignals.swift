import Dispatch
import Foundation

/// Waits for SIGTERM or SIGINT through Dispatch signal sources, so that the process can shut
/// down gracefully instead of being killed by the default handlers.
final class TerminationSignals {
    private let sources: [any DispatchSourceSignal]
    private let received: AsyncStream<Int32>

    /// Starts listening; the default handlers of SIGTERM and SIGINT are turned off.
    init(queue: DispatchQueue = DispatchQueue(label: "quantserve.signals")) {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        received = stream
        sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
    }

    deinit {
        for source in sources { source.cancel() }
    }

    /// The first signal that arrives.
    func next() async -> Int32? {
        var iterator = received.makeAsyncIterator()
        return await iterator.next()
    }

    /// The conventional name of a signal number, for logs.
    static func name(of number: Int32) -> String {
        switch number {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        default: "signal \(number)"
        }
    }
}
