import Foundation

/// Builds a safetensors file: tensors are laid out in the order they are added, the JSON header
/// lists them with sorted keys and is padded with spaces to a multiple of 8 bytes.
public struct SafetensorsWriter: Sendable {
    private struct Entry {
        var name: String
        var dtype: TensorDType
        var shape: [Int]
        var bytes: [UInt8]
    }

    private var entries: [Entry] = []
    private var names: Set<String> = []
    /// Free-form string metadata written as `__metadata__` (omitted when empty).
    public var metadata: [String: String]

    /// An empty file with the given metadata.
    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// Adds a tensor from its raw little-endian bytes, which must number shape × dtype size.
    public mutating func add(_ name: String, dtype: TensorDType, shape: [Int], bytes: [UInt8]) throws {
        guard name != "__metadata__", !names.contains(name) else {
            throw SafetensorsError.invalidTensor(tensor: name, reason: "name is reserved or already used")
        }
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw SafetensorsError.invalidTensor(tensor: name, reason: "negative dimension in \(shape)")
        }
        let expected = shape.reduce(dtype.byteSize, *)
        guard expected == bytes.count else {
            throw SafetensorsError.sizeMismatch(tensor: name, expectedBytes: expected, actualBytes: bytes.count)
        }
        names.insert(name)
        entries.append(Entry(name: name, dtype: dtype, shape: shape, bytes: bytes))
    }

    /// Adds an F32 tensor.
    public mutating func add(_ name: String, floats: [Float], shape: [Int]) throws {
        #if _endian(little)
            try add(name, dtype: .float32, shape: shape, bytes: floats.withUnsafeBytes { Array($0) })
        #else
            try add(
                name, dtype: .float32, shape: shape,
                bytes: floats.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
        #endif
    }

    /// Adds an I8 tensor.
    public mutating func add(_ name: String, int8s: [Int8], shape: [Int]) throws {
        try add(name, dtype: .int8, shape: shape, bytes: int8s.map { UInt8(bitPattern: $0) })
    }

    /// The complete file.
    public func serialized() throws -> Data {
        var header: [String: Any] = [:]
        var offset = 0
        for entry in entries {
            header[entry.name] =
                [
                    "dtype": entry.dtype.rawValue,
                    "shape": entry.shape,
                    "data_offsets": [offset, offset + entry.bytes.count],
                ] as [String: Any]
            offset += entry.bytes.count
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var file = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        for entry in entries { file.append(contentsOf: entry.bytes) }
        return file
    }

    /// Writes the file to `url` atomically.
    public func write(to url: URL) throws {
        try serialized().write(to: url, options: .atomic)
    }
}
