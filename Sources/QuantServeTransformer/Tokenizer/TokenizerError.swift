/// Why a tokenizer could not be loaded or a text could not be encoded.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    /// The text encodes to `tokens` ids ([CLS] and [SEP] included), more than the `limit`.
    case tooLong(tokens: Int, limit: Int)
    /// The text is `bytes` bytes of UTF-8, more than the `limit` (see `EncodingLimits.maxTextBytes`).
    case textTooLarge(bytes: Int, limit: Int)
    /// The bytes are not valid UTF-8; the first bad sequence starts at byte `offset`.
    case invalidUTF8(offset: Int)
    /// A tokenizer file could not be read.
    case unreadableFile(path: String, reason: String)
    /// A tokenizer file is malformed or inconsistent (for example, [UNK] is not in the vocabulary).
    case invalidConfiguration(String)
    /// A tokenizer file asks for a component or option this tokenizer does not implement.
    case unsupportedConfiguration(String)

    /// A sentence that says what went wrong.
    public var description: String {
        switch self {
        case let .tooLong(tokens, limit):
            "the text is \(tokens) tokens long including [CLS] and [SEP], over the limit of \(limit) tokens"
        case let .textTooLarge(bytes, limit):
            "the text is \(bytes) bytes of UTF-8, over the limit of \(limit) bytes per text"
        case let .invalidUTF8(offset):
            "the text is not valid UTF-8: invalid byte sequence at byte offset \(offset)"
        case let .unreadableFile(path, reason):
            "cannot read tokenizer file \(path): \(reason)"
        case let .invalidConfiguration(reason):
            "invalid tokenizer configuration: \(reason)"
        case let .unsupportedConfiguration(reason):
            "unsupported tokenizer configuration: \(reason)"
        }
    }
}
