/// Strict UTF-8 decoding into Unicode scalars that reports where invalid input starts.
enum UTF8ScalarDecoder {
    /// The scalars of `bytes`; throws `TokenizerError.invalidUTF8` at the first ill-formed
    /// sequence (overlong forms, surrogates, values above U+10FFFF, truncated sequences).
    static func decode(_ bytes: [UInt8]) throws(TokenizerError) -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(bytes.count)
        var parser = UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case let .valid(encoded):
                scalars.append(UTF8.decode(encoded))
                offset += encoded.count
            case .emptyInput:
                return scalars
            case .error:
                throw .invalidUTF8(offset: offset)
            }
        }
    }
}
