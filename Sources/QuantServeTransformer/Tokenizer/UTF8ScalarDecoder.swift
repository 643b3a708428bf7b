/// Strict UTF-8 decoding that reports where invalid input starts.
enum UTF8ScalarDecoder {
    /// The text of `bytes`; throws `TokenizerError.invalidUTF8` at the first ill-formed
    /// sequence (overlong forms, surrogates, values above U+10FFFF, truncated sequences).
    static func string(_ bytes: [UInt8]) throws(TokenizerError) -> String {
        if let text = String(validating: bytes, as: UTF8.self) {
            return text
        }
        var parser = UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while case let .valid(encoded) = parser.parseScalar(from: &iterator) {
            offset += encoded.count
        }
        throw .invalidUTF8(offset: offset)
    }
}
