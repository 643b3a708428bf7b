/// Why an input cannot be embedded.
public enum EncoderError: Error, Equatable, CustomStringConvertible {
    /// Sequence `index` has no tokens.
    case emptySequence(index: Int)
    /// Sequence `index` is longer than the model accepts.
    case sequenceTooLong(index: Int, length: Int, maximum: Int)
    /// Sequence `index` holds a token id outside the vocabulary.
    case tokenOutOfRange(index: Int, token: UInt32, vocabularySize: Int)

    /// A sentence for logs and error messages.
    public var description: String {
        switch self {
        case let .emptySequence(index): "sequence \(index) is empty"
        case let .sequenceTooLong(index, length, maximum):
            "sequence \(index) has \(length) tokens, more than the model's maximum of \(maximum)"
        case let .tokenOutOfRange(index, token, vocabularySize):
            "sequence \(index) holds token id \(token), outside the vocabulary of \(vocabularySize)"
        }
    }
}
