import Foundation

/// SentencePiece's compiled normalization rules (the `precompiled_charsmap` of a `Precompiled`
/// normalizer, such as XLM-R's `nmt_nfkc`): a double-array trie over UTF-8 keys whose values
/// are offsets into a blob of NUL-terminated replacement strings.
///
/// The binary form is a little-endian `UInt32` byte count of the trie, the trie's 32-bit units,
/// then the blob. A lookup walks the trie over the bytes of a key and takes the *shortest*
/// prefix of the key that has a rule, as Hugging Face `tokenizers` does.
struct PrecompiledCharsMap: Sendable {
    private let units: [UInt32]
    /// The blob decoded to scalars, NULs included.
    private let replacementScalars: [Unicode.Scalar]
    /// For each byte offset of the blob, the index of the scalar starting there, or -1 when the
    /// offset is inside a scalar.
    private let scalarIndexAtByte: [Int32]

    /// Reads the base64 text of `precompiled_charsmap`.
    init(base64 text: String) throws(TokenizerError) {
        guard let data = Data(base64Encoded: text) else {
            throw .invalidConfiguration("precompiled_charsmap is not base64")
        }
        try self.init(bytes: [UInt8](data))
    }

    /// Reads the binary form (see the type's description).
    init(bytes: [UInt8]) throws(TokenizerError) {
        guard bytes.count >= 4 else { throw .invalidConfiguration("precompiled_charsmap is shorter than its header") }
        let trieBytes = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24
        guard trieBytes % 4 == 0, trieBytes <= bytes.count - 4 else {
            throw .invalidConfiguration("precompiled_charsmap's trie size \(trieBytes) does not fit the data")
        }
        units = stride(from: 4, to: 4 + trieBytes, by: 4).map { offset in
            UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                | UInt32(bytes[offset + 3]) << 24
        }
        let blob = bytes[(4 + trieBytes)...]
        guard let text = String(validating: blob, as: UTF8.self) else {
            throw .invalidConfiguration("precompiled_charsmap's replacement strings are not UTF-8")
        }
        var scalars: [Unicode.Scalar] = []
        var indexAtByte = [Int32](repeating: -1, count: blob.count)
        var offset = 0
        for scalar in text.unicodeScalars {
            indexAtByte[offset] = Int32(scalars.count)
            scalars.append(scalar)
            offset += UTF8.width(scalar)
        }
        replacementScalars = scalars
        scalarIndexAtByte = indexAtByte
    }

    /// The replacement of the shortest prefix of `key` that has a rule, or nil when none has.
    /// A NUL byte ends the key, as in SentencePiece.
    func replacement(forPrefixOf key: some Sequence<UInt8>) -> ArraySlice<Unicode.Scalar>? {
        guard !units.isEmpty else { return nil }
        var position = Int(Self.offset(units[0]))
        for byte in key {
            if byte == 0 { return nil }
            position ^= Int(byte)
            guard position < units.count else { return nil }
            let unit = units[position]
            guard unit & 0x8000_00FF == UInt32(byte) else { return nil }
            position ^= Int(Self.offset(unit))
            guard position < units.count else { return nil }
            if unit >> 8 & 1 == 1 {
                return replacement(atByte: Int(units[position] & 0x7FFF_FFFF))
            }
        }
        return nil
    }

    /// The NUL-terminated replacement starting at byte `offset` of the blob.
    private func replacement(atByte offset: Int) -> ArraySlice<Unicode.Scalar>? {
        guard offset < scalarIndexAtByte.count, scalarIndexAtByte[offset] >= 0 else { return nil }
        let start = Int(scalarIndexAtByte[offset])
        let end = replacementScalars[start...].firstIndex(of: "\0") ?? replacementScalars.endIndex
        return replacementScalars[start..<end]
    }

    @inline(__always)
    private static func offset(_ unit: UInt32) -> UInt32 {
        (unit >> 10) << ((unit & (1 << 9)) >> 6)
    }
}
