/// Turns token ids, given one at a time, into text that never ends inside a UTF-8 character:
/// the bytes of an incomplete character at the end are held until the tokens that complete it
/// arrive (or `finish()` is called, which emits them as U+FFFD).
public struct StreamingDetokenizer: Sendable {
    private let tokenizer: BPETokenizer
    private var pending: [UInt8] = []

    /// A detokenizer for the ids of `tokenizer`.
    public init(tokenizer: BPETokenizer) {
        self.tokenizer = tokenizer
    }

    /// The text that token `id` completes: every complete character so far not yet returned.
    public mutating func append(_ id: UInt32) -> String {
        pending += tokenizer.bytes(of: id)
        let complete = pending.count - Self.incompleteSuffixLength(pending)
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// The bytes still held, as text (an unfinished character becomes U+FFFD); resets the state.
    public mutating func finish() -> String {
        defer { pending = [] }
        return String(decoding: pending, as: UTF8.self)
    }

    /// The length of the start of a multi-byte character at the end of `bytes` that still lacks
    /// continuation bytes (0 when the bytes end on a character boundary or on invalid bytes).
    static func incompleteSuffixLength(_ bytes: [UInt8]) -> Int {
        var continuations = 0
        for byte in bytes.reversed().prefix(4) {
            guard byte & 0xC0 == 0x80 else {
                let length =
                    switch byte {
                    case 0xC2...0xDF: 2
                    case 0xE0...0xEF: 3
                    case 0xF0...0xF4: 4
                    default: 1
                    }
                return continuations + 1 < length ? continuations + 1 : 0
            }
            continuations += 1
        }
        return 0
    }
}
