import Histogram

/// HdrHistogram's V2 binary encoding, as Java's `encodeIntoCompressedByteBuffer` writes it
/// and every HdrHistogram library reads it:
///
/// - uncompressed: cookie `0x1c849313`, payload length, normalizing index offset (0),
///   significant digits (all 32-bit), lowest discernible value, highest trackable value
///   (64-bit), integer-to-double ratio (double, 1.0), all big-endian; then the counts array
///   up to the maximum value's index, each count ZigZag LEB128 encoded and each run of two
///   or more zero counts written as one negative count;
/// - compressed: cookie `0x1c849314`, the compressed length, then the uncompressed form
///   compressed by zlib.
enum HistogramEncoding {
    /// Why bytes could not be decoded.
    struct DecodingError: Error, CustomStringConvertible {
        let description: String
    }

    static let uncompressedCookie: UInt32 = 0x1c84_9313
    static let compressedCookie: UInt32 = 0x1c84_9314
    private static let headerBytes = 40

    /// The compressed encoding of `histogram`.
    static func compressed<Count>(_ histogram: Histogram<Count>) throws -> [UInt8] {
        let deflated = try Zlib.compress(uncompressed(histogram))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + deflated.count)
        bytes.appendBigEndian(compressedCookie)
        bytes.appendBigEndian(UInt32(deflated.count))
        bytes.append(contentsOf: deflated)
        return bytes
    }

    /// The uncompressed encoding of `histogram`.
    static func uncompressed<Count>(_ histogram: Histogram<Count>) -> [UInt8] {
        guard let layout = HistogramLayout(of: histogram) else {
            preconditionFailure("hdrhistogram-swift made a histogram outside HdrHistogram's parameter range")
        }
        var counts: [UInt64] = []
        if histogram.totalCount > 0 {
            counts = Array(repeating: 0, count: layout.index(of: histogram.maxRecorded) + 1)
            for recorded in histogram.recordedValues() {
                counts[layout.index(of: recorded.value)] += UInt64(recorded.count)
            }
        }
        var payload: [UInt8] = []
        var index = 0
        while index < counts.count {
            var zeros = 0
            while index + zeros < counts.count, counts[index + zeros] == 0 { zeros += 1 }
            if zeros > 1 {
                payload.appendZigZag(-Int64(zeros))
                index += zeros
            } else {
                payload.appendZigZag(Int64(counts[index]))
                index += 1
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headerBytes + payload.count)
        bytes.appendBigEndian(uncompressedCookie)
        bytes.appendBigEndian(UInt32(payload.count))
        bytes.appendBigEndian(UInt32(0))
        bytes.appendBigEndian(UInt32(layout.significantDigits))
        bytes.appendBigEndian(layout.lowestDiscernibleValue)
        bytes.appendBigEndian(layout.highestTrackableValue)
        bytes.appendBigEndian(Double(1).bitPattern)
        bytes.append(contentsOf: payload)
        return bytes
    }

    /// The histogram in `bytes`, compressed or not.
    static func decode(_ bytes: [UInt8]) throws -> Histogram<UInt64> {
        var reader = ByteReader(bytes)
        switch try reader.uint32() {
        case compressedCookie:
            let length = Int(try reader.uint32())
            guard length <= reader.remaining else {
                throw DecodingError(description: "compressed length \(length) beyond the data")
            }
            let inflated = try Zlib.uncompress(try reader.bytes(length), limit: 64 << 20)
            return try decode(inflated)
        case uncompressedCookie:
            return try decodeUncompressed(&reader)
        case let cookie:
            throw DecodingError(description: "not a V2 HdrHistogram encoding (cookie 0x\(String(cookie, radix: 16)))")
        }
    }

    private static func decodeUncompressed(_ reader: inout ByteReader) throws -> Histogram<UInt64> {
        let payloadLength = Int(try reader.uint32())
        let normalizingIndexOffset = try reader.uint32()
        let digits = Int(try reader.uint32())
        let lowest = try reader.uint64()
        let highest = try reader.uint64()
        _ = try reader.uint64()  // integer to double conversion ratio: quantbench's values are integers
        guard normalizingIndexOffset == 0 else {
            throw DecodingError(description: "shifted histograms are not supported")
        }
        guard
            let layout = HistogramLayout(
                lowestDiscernibleValue: lowest, highestTrackableValue: highest, significantDigits: digits),
            let significantDigits = SignificantDigits(rawValue: Int8(digits))
        else {
            throw DecodingError(
                description: "histogram parameters out of range: \(lowest)...\(highest), \(digits) digits")
        }
        guard payloadLength <= reader.remaining else {
            throw DecodingError(description: "payload length \(payloadLength) beyond the data")
        }
        var payload = ByteReader(try reader.bytes(payloadLength))
        var histogram = Histogram<UInt64>(
            lowestDiscernibleValue: lowest, highestTrackableValue: highest,
            numberOfSignificantValueDigits: significantDigits
        )
        var index = 0
        while payload.remaining > 0 {
            let count = try payload.zigZag()
            if count < 0 {
                index += Int(-count)
                continue
            }
            guard index < layout.countsLength else {
                throw DecodingError(description: "count at index \(index) beyond the histogram")
            }
            if count > 0 { _ = histogram.record(layout.value(at: index), count: UInt64(count)) }
            index += 1
        }
        return histogram
    }
}

extension [UInt8] {
    fileprivate mutating func appendBigEndian(_ value: some FixedWidthInteger) {
        for byte in (0..<MemoryLayout.size(ofValue: value)).reversed() {
            append(UInt8(truncatingIfNeeded: value >> (byte * 8)))
        }
    }

    /// ZigZag, then LEB128 in at most 9 bytes (the ninth carries 8 bits), as HdrHistogram writes it.
    fileprivate mutating func appendZigZag(_ value: Int64) {
        var rest = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        for _ in 0..<8 {
            if rest < 0x80 {
                append(UInt8(rest))
                return
            }
            append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        append(UInt8(truncatingIfNeeded: rest))
    }
}

/// Reads big-endian integers and HdrHistogram's ZigZag LEB128 from bytes, refusing to run past their end.
private struct ByteReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - position }

    mutating func bytes(_ count: Int) throws -> [UInt8] {
        guard count <= remaining else { throw HistogramEncoding.DecodingError(description: "the data ends early") }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    mutating func uint32() throws -> UInt32 {
        try bytes(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func uint64() throws -> UInt64 {
        try bytes(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func zigZag() throws -> Int64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for _ in 0..<8 {
            let byte = try bytes(1)[0]
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return Self.unZigZag(value) }
            shift += 7
        }
        value |= UInt64(try bytes(1)[0]) << 56
        return Self.unZigZag(value)
    }

    private static func unZigZag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }
}
