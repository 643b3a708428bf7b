import Foundation
import QuantServe
import QuantServeTransformer

/// A deterministic engine for scheduler and registry tests: each "token" is a character's
/// scalar value, each embedding a normalized function of its tokens, and every computed
/// sequence and tokenized text is counted. `batchGate` holds every batch until the test opens
/// it, so tests can keep the engine busy; `tokenizeGate` does the same in the middle of each
/// text that contains `"[hold]"`, so tests can catch tokenization in the middle of a request.
/// Past the gate, the text asks `isCancelled` as a real tokenizer does between the chunks of a
/// long text, unless `stopsInsideTexts` is false.
final class CountingEngine: EmbeddingEngine, @unchecked Sendable {
    static let holdMarker = "[hold]"
    let dimensions = 8
    let maxSequenceLength = 16
    let memoryBytes: Int
    let seed: Float
    let batchGate: Gate?
    let tokenizeGate: Gate?
    let stopsInsideTexts: Bool
    private let lock = NSLock()
    private var computed = 0
    private var started = 0
    private var batches: [Int] = []
    private var tokensPerBatch: [Int] = []
    private var tokenized = 0
    private var heldTexts = 0

    init(
        seed: Float = 1, memoryBytes: Int = 1024, batchGate: Gate? = nil, tokenizeGate: Gate? = nil,
        stopsInsideTexts: Bool = true
    ) {
        self.seed = seed
        self.memoryBytes = memoryBytes
        self.batchGate = batchGate
        self.tokenizeGate = tokenizeGate
        self.stopsInsideTexts = stopsInsideTexts
    }

    var computedSequences: Int { lock.withLock { computed } }
    /// Sequences of every computed batch, in order.
    var batchSizes: [Int] { lock.withLock { batches } }
    /// Tokens of every computed batch, in order.
    var batchTokens: [Int] { lock.withLock { tokensPerBatch } }
    /// Batches whose computation has begun.
    var startedBatches: Int { lock.withLock { started } }
    /// Texts whose tokenization has finished.
    var tokenizedTexts: Int { lock.withLock { tokenized } }
    /// Texts waiting at (or past) the tokenize gate.
    var textsAtTheGate: Int { lock.withLock { heldTexts } }

    func tokenize(_ text: String, truncate: Bool, isCancelled: () -> Bool) throws -> [UInt32] {
        if let tokenizeGate, text.contains(Self.holdMarker) {
            lock.withLock { heldTexts += 1 }
            tokenizeGate.pass()
            if stopsInsideTexts && isCancelled() { throw CancellationError() }
        }
        defer { lock.withLock { tokenized += 1 } }
        let ids = [101] + text.unicodeScalars.map(\.value) + [102]
        if ids.count > maxSequenceLength {
            guard truncate else { throw TooLong(count: ids.count, limit: maxSequenceLength) }
            return Array(ids.prefix(maxSequenceLength - 1)) + [102]
        }
        return ids
    }

    func embedRows(_ batch: PackedBatch) -> [Float] {
        lock.withLock { started += 1 }
        batchGate?.pass()
        lock.withLock {
            computed += batch.count
            batches.append(batch.count)
            tokensPerBatch.append(batch.tokenCount)
        }
        return (0..<batch.count).flatMap { Self.vector(seed: seed)(Array(batch.tokenIds[batch.range(of: $0)])) }
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

/// A gate threads wait at until a test opens it: holds an engine busy without timing anything.
final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var isOpen = false

    /// Lets every waiting and later thread through.
    func open() {
        condition.lock()
        isOpen = true
        condition.broadcast()
        condition.unlock()
    }

    /// Makes later threads wait again.
    func close() {
        condition.lock()
        isOpen = false
        condition.unlock()
    }

    /// Waits until the gate is open.
    func pass() {
        condition.lock()
        while !isOpen { condition.wait() }
        condition.unlock()
    }
}
