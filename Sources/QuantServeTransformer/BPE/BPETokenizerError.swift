/// Why a byte-level BPE tokenizer could not be built from a vocabulary.
public enum BPETokenizerError: Error, Equatable, CustomStringConvertible {
    /// The GGUF names a tokenizer model or pre-tokenizer this tokenizer does not implement.
    case unsupported(key: String, value: String, supported: String)
    /// The vocabulary, merges or token types are inconsistent.
    case invalidVocabulary(String)

    /// A sentence for logs and error messages.
    public var description: String {
        switch self {
        case let .unsupported(key, value, supported):
            "tokenizer: '\(key)' is \"\(value)\"; only \(supported) is supported"
        case let .invalidVocabulary(reason):
            "tokenizer: invalid vocabulary: \(reason)"
        }
    }
}
