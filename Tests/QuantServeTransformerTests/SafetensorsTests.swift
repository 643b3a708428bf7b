import Foundation
import QuantServeTestSupport
import Testing

@testable import QuantServeTransformer

@Suite("Safetensors reader and writer")
struct SafetensorsTests {
    /// Writes `bytes` to a temporary file and opens it.
    private func open(_ bytes: Data) throws -> SafetensorsFile {
        let directory = try TemporaryDirectory(prefix: "transformer-tests").url
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("file.safetensors")
        try bytes.write(to: url)
        return try SafetensorsFile(url: url)
    }

    /// A file with a hand-written header and `dataSize` zero bytes of data.
    private func rawFile(header: String, dataSize: Int, announcedLength: UInt64? = nil) -> Data {
        let json = Data(header.utf8)
        var file = Data()
        withUnsafeBytes(of: (announcedLength ?? UInt64(json.count)).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        file.append(Data(count: dataSize))
        return file
    }

    private func expectError(
        _ expected: SafetensorsError, header: String, dataSize: Int,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(throws: expected, sourceLocation: sourceLocation) {
            _ = try open(rawFile(header: header, dataSize: dataSize))
        }
    }

    @Test func roundTripsEveryDTypeAndMetadata() throws {
        var writer = SafetensorsWriter(metadata: ["format": "test"])
        try writer.add("f32", floats: [1.5, -2, 0, .greatestFiniteMagnitude], shape: [2, 2])
        try writer.add("i8", int8s: [-128, -1, 0, 127, 5], shape: [5])
        let halves: [Float16] = [1, -0.5, 65504]
        try writer.add(
            "f16", dtype: .float16, shape: [3],
            bytes: halves.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
        let brains: [UInt16] = [0x3FC0, 0xC000]  // 1.5, -2
        try writer.add(
            "bf16", dtype: .bfloat16, shape: [2],
            bytes: brains.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) })
        let int32s: [Int32] = [-7, 1 << 30]
        try writer.add(
            "i32", dtype: .int32, shape: [2], bytes: int32s.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
        )
        let int64s: [Int64] = [-9, 1 << 40, 3]
        try writer.add(
            "i64", dtype: .int64, shape: [1, 3],
            bytes: int64s.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) })
        try writer.add("scalar", floats: [42], shape: [])
        try writer.add("empty", floats: [], shape: [0, 4])

        let data = try writer.serialized()
        let headerLength = data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect(headerLength % 8 == 0)
        let file = try open(data)
        #expect(file.metadata == ["format": "test"])
        #expect(file.tensorNames == ["bf16", "empty", "f16", "f32", "i32", "i64", "i8", "scalar"])
        #expect(try file.floats("f32") == [1.5, -2, 0, .greatestFiniteMagnitude])
        #expect(try file.info("f32").shape == [2, 2])
        #expect(try file.int8s("i8") == [-128, -1, 0, 127, 5])
        #expect(try file.floats("f16") == [1, -0.5, 65504])
        #expect(try file.floats("bf16") == [1.5, -2])
        #expect(try file.integers("i32") == [-7, 1 << 30])
        #expect(try file.integers("i64") == [-9, 1 << 40, 3])
        #expect(try file.info("i64").dtype == .int64)
        #expect(try file.floats("scalar") == [42])
        #expect(try file.floats("empty").isEmpty)
        #expect(throws: SafetensorsError.missingTensor("nope")) { try file.floats("nope") }
        #expect(throws: SafetensorsError.wrongDType(tensor: "i8", expected: [.float32], actual: .int8)) {
            _ = try file.info("i8", dtypes: [.float32], shape: [5])
        }
        #expect(throws: SafetensorsError.wrongShape(tensor: "f32", expected: [4], actual: [2, 2])) {
            _ = try file.info("f32", dtypes: [.float32], shape: [4])
        }
        #expect(
            throws: SafetensorsError.wrongDType(
                tensor: "i8", expected: [.float32, .float16, .bfloat16, .float64],
                actual: .int8)
        ) {
            _ = try file.floats("i8")
        }
    }

    @Test func writerRefusesInconsistentTensors() throws {
        var writer = SafetensorsWriter()
        #expect(throws: SafetensorsError.sizeMismatch(tensor: "x", expectedBytes: 12, actualBytes: 8)) {
            try writer.add("x", floats: [1, 2], shape: [3])
        }
        try writer.add("x", floats: [1, 2], shape: [2])
        #expect(throws: SafetensorsError.self) { try writer.add("x", floats: [1, 2], shape: [2]) }
        #expect(throws: SafetensorsError.self) { try writer.add("__metadata__", floats: [1], shape: [1]) }
    }

    @Test func refusesTruncatedFiles() throws {
        var writer = SafetensorsWriter()
        try writer.add("first", floats: [1, 2, 3, 4], shape: [4])
        try writer.add("last", floats: [5, 6, 7, 8], shape: [4])
        let data = try writer.serialized()
        let headerEnd = data.count - 32
        #expect(throws: SafetensorsError.dataOutOfBounds(tensor: "last", end: 32, dataSize: 31)) {
            _ = try open(data.prefix(data.count - 1))
        }
        #expect(throws: SafetensorsError.dataOutOfBounds(tensor: "first", end: 16, dataSize: 0)) {
            _ = try open(data.prefix(headerEnd))
        }
        #expect(throws: SafetensorsError.self) { _ = try open(data.prefix(headerEnd - 3)) }
        #expect(throws: SafetensorsError.self) { _ = try open(data.prefix(5)) }
        #expect(throws: SafetensorsError.self) { _ = try open(Data()) }
    }

    @Test func refusesLyingHeaders() throws {
        expectError(
            .sizeMismatch(tensor: "w", expectedBytes: 16, actualBytes: 12),
            header: #"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}"#, dataSize: 16)
        expectError(
            .dataOutOfBounds(tensor: "w", end: 16, dataSize: 8),
            header: #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, dataSize: 8)
        expectError(
            .unknownDType(tensor: "w", dtype: "F8_E9"),
            header: #"{"w":{"dtype":"F8_E9","shape":[4],"data_offsets":[0,4]}}"#, dataSize: 4)
        expectError(
            .overlappingData(tensor: "b", other: "a"),
            header:
                #"{"a":{"dtype":"I8","shape":[8],"data_offsets":[0,8]},"b":{"dtype":"I8","shape":[4],"data_offsets":[4,8]}}"#,
            dataSize: 8)
        expectError(
            .sizeOverflow(tensor: "w", shape: [1 << 40, 1 << 40]),
            header: #"{"w":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,4]}}"#,
            dataSize: 4)
        expectError(
            .malformedEntry(tensor: "w", reason: "data_offsets [8, 4] run backwards"),
            header: #"{"w":{"dtype":"I8","shape":[4],"data_offsets":[8,4]}}"#, dataSize: 8)
        for badEntry in [
            #"{"w":{"dtype":"I8","shape":[-4],"data_offsets":[0,4]}}"#,
            #"{"w":{"dtype":"I8","shape":[4],"data_offsets":[0]}}"#,
            #"{"w":{"dtype":"I8","shape":[2.5],"data_offsets":[0,4]}}"#,
            #"{"w":{"dtype":"I8","shape":[4],"data_offsets":[0,1e30]}}"#,
            #"{"w":{"dtype":"I8","shape":"4","data_offsets":[0,4]}}"#,
            #"{"w":{"shape":[4],"data_offsets":[0,4]}}"#,
            #"{"w":[1,2]}"#,
        ] {
            #expect(throws: SafetensorsError.self, "\(badEntry)") {
                _ = try open(rawFile(header: badEntry, dataSize: 4))
            }
            let error = try? #require(throws: SafetensorsError.self) {
                _ = try open(rawFile(header: badEntry, dataSize: 4))
            }
            #expect(error?.description.contains("'w'") == true, "\(String(describing: error))")
        }
        for badHeader in ["not json", "[1,2]", #"{"__metadata__":{"a":1}}"#, ""] {
            #expect(throws: SafetensorsError.self, "\(badHeader)") {
                _ = try open(rawFile(header: badHeader, dataSize: 0))
            }
        }
        let tooLarge = try #require(throws: SafetensorsError.self) {
            _ = try open(rawFile(header: "{}", dataSize: 0, announcedLength: 1 << 40))
        }
        guard case .headerTooLarge(_, 1 << 40, SafetensorsFile.maximumHeaderLength) = tooLarge else {
            Issue.record("expected headerTooLarge, got \(tooLarge)")
            return
        }
    }

    @Test func allowsZeroSizedTensorsAtAnyOffset() throws {
        let file = try open(
            rawFile(
                header:
                    #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"z":{"dtype":"F32","shape":[0],"data_offsets":[2,2]}}"#,
                dataSize: 4))
        #expect(try file.floats("z").isEmpty)
    }
}
