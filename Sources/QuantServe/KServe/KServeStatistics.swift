import Foundation
import QuantServeAPI

/// The counts and durations `ModelStatistics` reports, kept per model version from the
/// `ModelInfer` calls this server answered.
///
/// `inference_count` counts texts (each row of a request is one inference, as in Triton);
/// `execution_count` counts requests that reached the model: the batcher may have computed
/// one together with other requests, or split a large one into several batches.
final class KServeStatistics: @unchecked Sendable {
    /// Where a successful request's time went, in nanoseconds.
    struct Durations: Sendable {
        var total: UInt64
        var queue: UInt64
        var tokenize: UInt64
        var compute: UInt64
        var output: UInt64
    }

    private struct Key: Hashable {
        var name: String
        var version: UInt64
    }

    private let lock = NSLock()
    private var entries: [Key: KServe.ModelStatistics] = [:]

    /// Counts a request that computed `texts` texts on `name`/`version`.
    func recordSuccess(name: String, version: UInt64, texts: Int, durations: Durations) {
        update(name: name, version: version) { entry in
            entry.inferenceCount += UInt64(texts)
            entry.executionCount += 1
            var stats = entry.inferenceStats ?? KServe.InferStatistics()
            Self.add(durations.total, to: &stats.success)
            Self.add(durations.queue, to: &stats.queue)
            Self.add(durations.tokenize, to: &stats.computeInput)
            Self.add(durations.compute, to: &stats.computeInfer)
            Self.add(durations.output, to: &stats.computeOutput)
            entry.inferenceStats = stats
        }
    }

    /// Counts a request for `name`/`version` that failed after `nanoseconds`.
    func recordFailure(name: String, version: UInt64, nanoseconds: UInt64) {
        update(name: name, version: version) { entry in
            var stats = entry.inferenceStats ?? KServe.InferStatistics()
            Self.add(nanoseconds, to: &stats.fail)
            entry.inferenceStats = stats
        }
    }

    /// The statistics of `name`/`version` (zero when it has served nothing here).
    func statistics(name: String, version: UInt64) -> KServe.ModelStatistics {
        lock.lock()
        defer { lock.unlock() }
        return entries[Key(name: name, version: version)]
            ?? KServe.ModelStatistics(name: name, version: String(version), inferenceStats: KServe.InferStatistics())
    }

    private func update(name: String, version: UInt64, _ change: (inout KServe.ModelStatistics) -> Void) {
        let now = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
        lock.lock()
        defer { lock.unlock() }
        let key = Key(name: name, version: version)
        var entry = entries[key] ?? KServe.ModelStatistics(name: name, version: String(version))
        change(&entry)
        entry.lastInference = now
        entries[key] = entry
    }

    private static func add(_ nanoseconds: UInt64, to duration: inout KServe.StatisticDuration) {
        duration.count += 1
        duration.ns += nanoseconds
    }
}
