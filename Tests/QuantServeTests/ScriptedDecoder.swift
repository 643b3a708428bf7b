import Foundation
import Synchronization

@testable import QuantServeTransformer

/// A deterministic `TokenDecoder` for the scheduler and Generate tests, with a real KV block
/// ledger: `reserve` takes whole blocks from a finite free list (and refuses, taking nothing,
/// when too few are free), `step` refuses tokens past a sequence's reservation, and
/// `closeSequence` returns the blocks and reports the event on `closed`.
///
/// Its logits are a fixed function of the sequence's tokens: the next byte of `script` after the
/// sequence's last byte is the clear winner (after the script's last byte, the end-of-turn
/// token, or its first byte again when the sequence starts with `#`; after a byte not in the
/// script, its first byte), and every other token gets a
/// pseudo-random value of its own from the sequence length and id, so sampling at a temperature
/// has something to choose from. The vocabulary is the 256 byte-level tokens plus
/// `<|endoftext|>`, `<|im_start|>` and `<|im_end|>`, without merges.
final class ScriptedDecoder: TokenDecoder, @unchecked Sendable {
    /// Bytes all distinct, with two- and three-byte characters to cross chunk boundaries.
    static let script = Array("abcdefghijklmé€nopqrstuvwxyz".utf8)
    static let endOfText: UInt32 = 256
    static let imStart: UInt32 = 257
    static let imEnd: UInt32 = 258

    let vocabularySize = 259
    let contextLength: Int
    let kvBlockTokens: Int
    let kvBlockCount: Int
    let kvBytesPerToken = 64

    private struct Ledger {
        var sequences: [Int: (tokens: [UInt32], blocks: Int)] = [:]
        var free: Int
        var nextID = 0
        var stepSizes: [[Int]] = []
    }

    private let ledger: Mutex<Ledger>
    /// Every closed sequence, as it is closed.
    let closed: AsyncStream<DecoderSequenceID>
    private let closedContinuation: AsyncStream<DecoderSequenceID>.Continuation
    /// Every step passes it first (tests hold a step there).
    let gate = StepGate()
    /// Finishes when the decoder is freed.
    let freed: AsyncStream<Never>
    private let freedContinuation: AsyncStream<Never>.Continuation

    init(contextLength: Int = 256, kvBlockTokens: Int = 4, kvBlockCount: Int = 256) {
        self.contextLength = contextLength
        self.kvBlockTokens = kvBlockTokens
        self.kvBlockCount = kvBlockCount
        ledger = Mutex(Ledger(free: kvBlockCount))
        (closed, closedContinuation) = AsyncStream.makeStream()
        (freed, freedContinuation) = AsyncStream.makeStream()
    }

    deinit {
        freedContinuation.finish()
    }

    var freeKVBlocks: Int { ledger.withLock { $0.free } }
    var openSequences: Int { ledger.withLock { $0.sequences.count } }
    /// The number of entries of every step so far.
    var stepEntryCounts: [Int] { ledger.withLock { $0.stepSizes.map(\.count) } }
    /// The number of tokens of every step so far.
    var stepTokenCounts: [Int] { ledger.withLock { $0.stepSizes.map { $0.reduce(0, +) } } }

    func openSequence() -> DecoderSequenceID {
        ledger.withLock { ledger in
            ledger.nextID += 1
            ledger.sequences[ledger.nextID] = ([], 0)
            return DecoderSequenceID(ledger.nextID)
        }
    }

    func reserve(_ sequence: DecoderSequenceID, tokens: Int) -> Bool {
        ledger.withLock { ledger in
            guard let entry = ledger.sequences[sequence.rawValue] else { return false }
            let needed = (tokens + kvBlockTokens - 1) / kvBlockTokens - entry.blocks
            guard needed > 0 else { return true }
            guard needed <= ledger.free else { return false }
            ledger.free -= needed
            ledger.sequences[sequence.rawValue]!.blocks += needed
            return true
        }
    }

    func closeSequence(_ sequence: DecoderSequenceID) {
        ledger.withLock { ledger in
            if let entry = ledger.sequences.removeValue(forKey: sequence.rawValue) { ledger.free += entry.blocks }
        }
        closedContinuation.yield(sequence)
    }

    func storedTokens(_ sequence: DecoderSequenceID) -> Int {
        ledger.withLock { $0.sequences[sequence.rawValue]?.tokens.count ?? 0 }
    }

    struct LedgerViolation: Error, CustomStringConvertible {
        var description: String
    }

    func step(_ entries: [DecoderStepEntry]) throws -> [[Float]] {
        gate.pass()
        return try ledger.withLock { ledger in
            ledger.stepSizes.append(entries.map(\.tokens.count))
            var rows: [[Float]] = []
            for entry in entries {
                guard var sequence = ledger.sequences[entry.sequence.rawValue] else {
                    throw LedgerViolation(description: "step on unknown sequence \(entry.sequence.rawValue)")
                }
                sequence.tokens += entry.tokens
                guard sequence.tokens.count <= sequence.blocks * kvBlockTokens, sequence.tokens.count <= contextLength
                else {
                    throw LedgerViolation(
                        description:
                            "sequence \(entry.sequence.rawValue) holds \(sequence.tokens.count) tokens in \(sequence.blocks) blocks"
                    )
                }
                ledger.sequences[entry.sequence.rawValue] = sequence
                rows.append(Self.logits(after: sequence.tokens, vocabularySize: vocabularySize))
            }
            return rows
        }
    }

    /// The logits after `tokens`: the script's next byte at 12, the rest below 4.
    static func logits(after tokens: [UInt32], vocabularySize: Int) -> [Float] {
        var logits = (0..<vocabularySize).map { id -> Float in
            var hash = UInt64(tokens.count) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(id) &* 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 29
            return Float(hash % 4096) / 1024
        }
        logits[Int(nextToken(after: tokens.last, loops: tokens.first == UInt32(UInt8(ascii: "#"))))] = 12
        return logits
    }

    /// The greedy continuation after `last`.
    static func nextToken(after last: UInt32?, loops: Bool = false) -> UInt32 {
        guard let last, last < 256, let index = script.firstIndex(of: UInt8(last)) else { return UInt32(script[0]) }
        return index + 1 < script.count ? UInt32(script[index + 1]) : loops ? UInt32(script[0]) : imEnd
    }

    /// The tokenizer of the vocabulary: id `b` < 256 is byte `b`.
    static let tokenizer: BPETokenizer = {
        let bytes = (0..<256).map { String(ByteLevelAlphabet.scalarOfByte[$0]) }
        return try! BPETokenizer(
            tokens: bytes + ["<|endoftext|>", "<|im_start|>", "<|im_end|>"], merges: [],
            tokenTypes: Array(repeating: 1, count: 256) + [3, 3, 3])
    }()

    /// SmolLM2's chat template (ChatML), as its GGUF carries it.
    static let chatTemplateSource = """
        {% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}
        """

    /// A generative model over this decoder, ending turns at `<|im_end|>` and `<|endoftext|>`.
    func model() -> GenerativeModel {
        GenerativeModel(
            decoder: self, tokenizer: Self.tokenizer,
            chatTemplate: try! ChatTemplate(
                source: Self.chatTemplateSource, beginToken: "<|im_start|>", endToken: "<|im_end|>"),
            endTokens: [Self.endOfText, Self.imEnd], weightBytes: 0)
    }
}

/// Holds a decoder's steps on the scheduler's thread while a test acts: `hold(afterSteps:)` lets
/// that many steps pass, then blocks the next one (reporting it on `blocked`) until `release()`.
final class StepGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var holding = false
    private var passes = 0
    /// One element each time a step starts waiting.
    let blocked: AsyncStream<Void>
    private let blockedContinuation: AsyncStream<Void>.Continuation

    init() {
        (blocked, blockedContinuation) = AsyncStream.makeStream()
    }

    func hold(afterSteps steps: Int = 0) {
        condition.withLock {
            holding = true
            passes = steps
        }
    }

    func release() {
        condition.withLock {
            holding = false
            condition.broadcast()
        }
    }

    /// Called by each step.
    func pass() {
        condition.lock()
        defer { condition.unlock() }
        guard holding else { return }
        guard passes == 0 else {
            passes -= 1
            return
        }
        blockedContinuation.yield()
        while holding { condition.wait() }
    }
}
