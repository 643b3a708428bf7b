import Foundation
import QuantServe

/// A deterministic engine for scheduler and registry tests: each "token" is a character's
/// scalar value, each embedding a normalized function of its tokens, and every computed
/// sequence is counted. `computeDelay` makes batches slow enough to fill a queue.
final class CountingEngine: EmbeddingEngine, @unchecked Sendable {
    let dimensions = 8
    let maxSequenceLength = 16
    let memoryBytes: Int
    let intents: [IntentClassifier.Intent] = []
    let seed: Float
    let computeDelay: Duration
    private let lock = NSLock()
    private var computed = 0
    private var started = 0
    private var batches: [Int] = []

    init(seed: Float = 1, computeDelay: Duration = .zero, memoryBytes: Int = 1024) {
        self.seed = seed
        self.computeDelay = computeDelay
        self.memoryBytes = memoryBytes
    }

    var computedSequences: Int { lock.withLock { computed } }
    var batchSizes: [Int] { lock.withLock { batches } }
    /// Batches whose computation has begun.
    var startedBatches: Int { lock.withLock { started } }

    func tokenize(_ text: String, truncate: Bool) throws -> [UInt32] {
        let ids = [101] + text.unicodeScalars.map(\.value) + [102]
        if ids.count > maxSequenceLength {
            guard truncate else { throw TooLong(count: ids.count, limit: maxSequenceLength) }
            return Array(ids.prefix(maxSequenceLength - 1)) + [102]
        }
        return ids
    }

    func embed(_ sequences: [[UInt32]]) -> [[Float]] {
        lock.withLock { started += 1 }
        if computeDelay > .zero { Thread.sleep(forTimeInterval: Double(computeDelay.components.attoseconds) / 1e18 + Double(computeDelay.components.seconds)) }
        lock.withLock {
            computed += sequences.count
            batches.append(sequences.count)
        }
        return sequences.map(Self.vector(seed: seed))
    }

    /// The embedding this engine gives a sequence, so tests can check which version answered.
    static func vector(seed: Float) -> ([UInt32]) -> [Float] {
        { ids in
            var values = (0..<8).map { index in
                ids.enumerated().reduce(Float(index) * seed) { sum, pair in
                    sum + sin(Float(pair.element) * seed + Float(pair.offset + index))
                }
            }
            let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for index in values.indices { values[index] /= norm }
            return values
        }
    }

    struct TooLong: Error, CustomStringConvertible {
        let count: Int, limit: Int
        var description: String { "the text has \(count) tokens, more than the model's maximum of \(limit)" }
    }
}
