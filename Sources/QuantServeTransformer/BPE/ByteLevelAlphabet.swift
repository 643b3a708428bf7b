/// GPT-2's byte-level alphabet: each of the 256 byte values spelled as one printable Unicode
/// scalar, so that a vocabulary of strings can hold any byte sequence. Printable Latin-1 bytes
/// stand for themselves; the others (controls, space, DEL, NBSP, soft hyphen) become U+0100 onwards,
/// in byte order.
enum ByteLevelAlphabet {
    /// The scalar that spells each byte.
    static let scalarOfByte: [Unicode.Scalar] = {
        var next: UInt32 = 256
        return (0...255).map { (byte: UInt32) -> Unicode.Scalar in
            if (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte) {
                return Unicode.Scalar(byte)!
            }
            defer { next += 1 }
            return Unicode.Scalar(next)!
        }
    }()

    /// The byte a scalar of the alphabet spells, by scalar value (U+0000 to U+0143).
    static let byteOfScalar: [UInt32: UInt8] = Dictionary(
        uniqueKeysWithValues: scalarOfByte.enumerated().map { ($1.value, UInt8($0)) })

    /// The bytes a vocabulary entry spells, or its own UTF-8 when a scalar is outside the
    /// alphabet (as Hugging Face's byte-level decoder does).
    static func bytes(ofToken token: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for scalar in token.unicodeScalars {
            guard let byte = byteOfScalar[scalar.value] else { return Array(token.utf8) }
            bytes.append(byte)
        }
        return bytes
    }
}
