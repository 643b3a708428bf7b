import QuantServeGRPC

/// The raw tensor encodings of the KServe v2 protocol: BYTES elements each preceded by its
/// length (4 bytes, little-endian), FP32 elements as 4 little-endian bytes, row-major.
enum KServeRawBytes {
    /// The `expected` elements of a raw BYTES tensor, as slices of `raw` (nothing is copied, and
    /// every length is checked against the bytes left before anything is allocated for it).
    static func elements(of raw: [UInt8], expected: Int) throws -> [ArraySlice<UInt8>] {
        var elements: [ArraySlice<UInt8>] = []
        elements.reserveCapacity(min(expected, raw.count / 4))
        var position = 0
        while position < raw.count {
            guard elements.count < expected else {
                throw KServeInferInput.invalid(
                    "raw TEXT holds more than the \(expected) elements its shape says: "
                        + "\(raw.count - position) bytes are left after element \(expected - 1)")
            }
            guard raw.count - position >= 4 else {
                throw KServeInferInput.invalid(
                    "raw TEXT is truncated: element \(elements.count) has \(raw.count - position) bytes "
                        + "of its 4-byte length")
            }
            let length =
                Int(raw[position]) | Int(raw[position + 1]) << 8 | Int(raw[position + 2]) << 16 | Int(raw[position + 3])
                << 24
            position += 4
            guard length <= raw.count - position else {
                throw KServeInferInput.invalid(
                    "raw TEXT is truncated: element \(elements.count) claims \(length) bytes "
                        + "but \(raw.count - position) remain")
            }
            elements.append(raw[position..<position + length])
            position += length
        }
        guard elements.count == expected else {
            throw KServeInferInput.invalid("raw TEXT holds \(elements.count) elements but its shape says \(expected)")
        }
        return elements
    }

    /// BYTES elements in the raw encoding.
    static func encode(strings: [String]) -> [UInt8] {
        var raw: [UInt8] = []
        raw.reserveCapacity(strings.reduce(0) { $0 + 4 + $1.utf8.count })
        for string in strings {
            appendLittleEndian(UInt32(string.utf8.count), to: &raw)
            raw += string.utf8
        }
        return raw
    }

    /// FP32 elements in the raw encoding.
    static func encode(floats: some Collection<Float>) -> [UInt8] {
        var raw: [UInt8] = []
        raw.reserveCapacity(floats.count * 4)
        for value in floats { appendLittleEndian(value.bitPattern, to: &raw) }
        return raw
    }

    private static func appendLittleEndian(_ value: UInt32, to raw: inout [UInt8]) {
        raw.append(UInt8(truncatingIfNeeded: value))
        raw.append(UInt8(truncatingIfNeeded: value >> 8))
        raw.append(UInt8(truncatingIfNeeded: value >> 16))
        raw.append(UInt8(truncatingIfNeeded: value >> 24))
    }
}
