/// A GPT-2 style byte-level BPE tokenizer with SmolLM2's pre-tokenizer, built from the
/// vocabulary, merges and token types of a GGUF file. Control and user-defined tokens (such as
/// `<|im_start|>`) are found in the text first, as Hugging Face's added tokens are; the rest is
/// split by `SmolLMPreTokenizer`, spelled in the byte-level alphabet and merged by
/// `BytePairEncoder`. Encoding is O(n log n) in the text length.
public struct BPETokenizer: Sendable {
    /// The GGUF token type of a control token (`<|endoftext|>`, `<|im_start|>`, ...).
    static let controlTokenType = 3
    /// The GGUF token type of a user-defined token.
    static let userDefinedTokenType = 4

    /// The bytes each token spells.
    private let bytesOfToken: [[UInt8]]
    private let tokenOfText: [String: UInt32]
    private let encoder: BytePairEncoder
    private let addedTokens: AddedTokenMatcher

    /// The number of tokens in the vocabulary.
    public var vocabularySize: Int { bytesOfToken.count }

    /// A tokenizer from the vocabulary `tokens` (by id), `merges` ("left right", by rank) and
    /// `tokenTypes` (GGUF token types, by id; control and user-defined tokens are matched whole).
    public init(tokens: [String], merges: [String], tokenTypes: [Int]) throws(BPETokenizerError) {
        guard tokens.count == tokenTypes.count else {
            throw .invalidVocabulary("\(tokens.count) tokens but \(tokenTypes.count) token types")
        }
        guard tokens.count < Int(UInt32.max) else { throw .invalidVocabulary("\(tokens.count) tokens is too many") }
        var tokenOfText: [String: UInt32] = [:]
        for (id, token) in tokens.enumerated() where tokenOfText[token] == nil {
            tokenOfText[token] = UInt32(id)
        }
        // A byte without a token (SmolLM2 has none for 0xC0, 0xF5...0xFF and a few others) is
        // dropped, as Hugging Face's BPE without an unknown token drops it.
        let tokenOfByte = ByteLevelAlphabet.scalarOfByte.map { tokenOfText[String($0)] }
        var mergeTable: [UInt64: (rank: UInt32, merged: UInt32)] = [:]
        for (rank, merge) in merges.enumerated() {
            let parts = merge.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, let left = tokenOfText[String(parts[0])], let right = tokenOfText[String(parts[1])],
                let merged = tokenOfText[String(parts[0] + parts[1])]
            else {
                throw .invalidVocabulary("merge #\(rank) \"\(merge)\" is not two tokens whose concatenation is a token")
            }
            let key = UInt64(left) << 32 | UInt64(right)
            if mergeTable[key] == nil { mergeTable[key] = (UInt32(rank), merged) }
        }
        let added = tokenTypes.enumerated()
            .filter { $0.element == Self.controlTokenType || $0.element == Self.userDefinedTokenType }
            .map {
                AddedToken(
                    content: tokens[$0.offset], id: UInt32($0.offset), isSingleWord: false, stripsLeft: false,
                    stripsRight: false, isNormalized: false)
            }
        self.tokenOfText = tokenOfText
        bytesOfToken = tokens.map(ByteLevelAlphabet.bytes(ofToken:))
        encoder = BytePairEncoder(tokenOfByte: tokenOfByte, merges: mergeTable)
        addedTokens = AddedTokenMatcher(tokens: added) { Array($0.content.unicodeScalars) }
    }

    /// The tokenizer of a GGUF file (`tokenizer.ggml.model` "gpt2", `tokenizer.ggml.pre` "smollm").
    public init(gguf: GGUFFile) throws {
        let model = try gguf.string("tokenizer.ggml.model")
        guard model == "gpt2" else {
            throw BPETokenizerError.unsupported(key: "tokenizer.ggml.model", value: model, supported: "\"gpt2\"")
        }
        let pre = try gguf.string("tokenizer.ggml.pre")
        guard pre == "smollm" else {
            throw BPETokenizerError.unsupported(key: "tokenizer.ggml.pre", value: pre, supported: "\"smollm\"")
        }
        try self.init(
            tokens: gguf.strings("tokenizer.ggml.tokens"), merges: gguf.strings("tokenizer.ggml.merges"),
            tokenTypes: gguf.integers("tokenizer.ggml.token_type"))
    }

    /// The id of the token spelled `text` in the vocabulary (such as "<|im_end|>"), if any.
    public func id(of text: String) -> UInt32? { tokenOfText[text] }

    /// The token ids of `text`.
    public func encode(_ text: String) -> [UInt32] {
        var counter = BPEWorkCounter()
        return encode(text, counter: &counter)
    }

    /// The token ids of `text`, adding the work done to `counter`.
    public func encode(_ text: String, counter: inout BPEWorkCounter) -> [UInt32] {
        let scalars = Array(text.unicodeScalars)
        counter.scalars += scalars.count
        var output: [UInt32] = []
        for piece in addedTokens.split(scalars[...]) {
            switch piece {
            case let .token(id):
                output.append(id)
            case let .text(range):
                for word in SmolLMPreTokenizer.split(scalars[range]) {
                    var bytes: [UInt8] = []
                    for scalar in scalars[word] { bytes.append(contentsOf: UTF8.encode(scalar)!) }
                    encoder.encode(bytes, into: &output, counter: &counter)
                }
            }
        }
        return output
    }

    /// The bytes token `id` spells (empty for an id outside the vocabulary).
    public func bytes(of id: UInt32) -> [UInt8] {
        Int(id) < bytesOfToken.count ? bytesOfToken[Int(id)] : []
    }

    /// The text of `ids`; bytes that are not valid UTF-8 become U+FFFD.
    public func decode(_ ids: [UInt32]) -> String {
        String(decoding: ids.flatMap(bytes(of:)), as: UTF8.self)
    }
}
