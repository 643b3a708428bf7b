import Foundation

/// A safetensors file, held in memory and validated: every header entry has a known dtype, a shape
/// whose size matches its byte span, and a span inside the file that overlaps no other tensor.
/// A truncated or inconsistent file is refused at open time with an error naming the tensor.
/// The file is read once into memory (never mapped), so a change on disk cannot reach it.
public final class SafetensorsFile: Sendable {
    /// The largest header the reader accepts, in bytes (as the reference implementation does).
    public static let maximumHeaderLength = 100_000_000

    /// The file's path, for messages.
    public let path: String
    /// Every tensor, in the order of their data in the file.
    public let tensors: [TensorInfo]
    /// The free-form string metadata (`__metadata__`), if any.
    public let metadata: [String: String]

    /// The largest file `init(url:)` reads.
    public static let maximumFileBytes = 64 << 30

    private let file: [UInt8]
    private let dataStart: Int
    private let indexByName: [String: Int]

    /// Reads and validates the regular file at `url` (a symbolic link is followed).
    public convenience init(url: URL) throws {
        try self.init(
            bytes: RegularFile.bytes(of: url, limit: Self.maximumFileBytes, symlinks: .follow), path: url.path)
    }

    /// Validates a safetensors file already in memory; `path` names it in messages.
    public init(bytes: [UInt8], path: String) throws {
        self.path = path
        file = bytes
        let header = try bytes.withUnsafeBytes { try Self.parseHeader($0, path: path) }
        dataStart = header.dataStart
        tensors = header.tensors
        metadata = header.metadata
        indexByName = Dictionary(uniqueKeysWithValues: tensors.enumerated().map { ($1.name, $0) })
    }

    /// The names of all tensors, sorted.
    public var tensorNames: [String] { tensors.map(\.name).sorted() }

    /// The entry of tensor `name`, or `missingTensor`.
    public func info(_ name: String) throws -> TensorInfo {
        guard let index = indexByName[name] else { throw SafetensorsError.missingTensor(name) }
        return tensors[index]
    }

    /// The entry of tensor `name` after checking its dtype is one of `dtypes` and its shape is `shape`.
    public func info(_ name: String, dtypes: [TensorDType], shape: [Int]) throws -> TensorInfo {
        let info = try info(name)
        guard dtypes.contains(info.dtype) else {
            throw SafetensorsError.wrongDType(tensor: name, expected: dtypes, actual: info.dtype)
        }
        guard info.shape == shape else {
            throw SafetensorsError.wrongShape(tensor: name, expected: shape, actual: info.shape)
        }
        return info
    }

    /// The raw little-endian bytes of tensor `name`.
    public func bytes(_ name: String) throws -> [UInt8] {
        let info = try info(name)
        return Array(file[(dataStart + info.dataRange.lowerBound)..<(dataStart + info.dataRange.upperBound)])
    }

    /// The elements of a floating-point tensor (F64, F32, F16 or BF16) as `Float`.
    public func floats(_ name: String) throws -> [Float] {
        let info = try info(name)
        let base = dataStart + info.dataRange.lowerBound
        let count = info.elementCount
        return try file.withUnsafeBytes { raw in
            switch info.dtype {
            case .float32:
                return (0..<count).map { raw.loadUnaligned(fromByteOffset: base + 4 * $0, as: Float.self) }
            case .float16:
                return (0..<count).map {
                    Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: base + 2 * $0, as: UInt16.self)))
                }
            case .bfloat16:
                return (0..<count).map {
                    Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: base + 2 * $0, as: UInt16.self)) << 16)
                }
            case .float64:
                return (0..<count).map { Float(raw.loadUnaligned(fromByteOffset: base + 8 * $0, as: Double.self)) }
            default:
                throw SafetensorsError.wrongDType(
                    tensor: name, expected: [.float32, .float16, .bfloat16, .float64],
                    actual: info.dtype)
            }
        }
    }

    /// The elements of an I8 tensor.
    public func int8s(_ name: String) throws -> [Int8] {
        let info = try info(name)
        guard info.dtype == .int8 else {
            throw SafetensorsError.wrongDType(tensor: name, expected: [.int8], actual: info.dtype)
        }
        let base = dataStart + info.dataRange.lowerBound
        return (0..<info.elementCount).map { Int8(bitPattern: file[base + $0]) }
    }

    /// The elements of an integer tensor (I8, U8, I16, U16, I32, U32, I64, U64) as `Int`.
    public func integers(_ name: String) throws -> [Int] {
        let info = try info(name)
        let base = dataStart + info.dataRange.lowerBound
        let size = info.dtype.byteSize
        return try file.withUnsafeBytes { raw in
            let load: (Int) -> Int
            switch info.dtype {
            case .int8: load = { Int(Int8(bitPattern: raw[$0])) }
            case .uint8: load = { Int(raw[$0]) }
            case .int16: load = { Int(raw.loadUnaligned(fromByteOffset: $0, as: Int16.self)) }
            case .uint16: load = { Int(raw.loadUnaligned(fromByteOffset: $0, as: UInt16.self)) }
            case .int32: load = { Int(raw.loadUnaligned(fromByteOffset: $0, as: Int32.self)) }
            case .uint32: load = { Int(raw.loadUnaligned(fromByteOffset: $0, as: UInt32.self)) }
            case .int64: load = { Int(raw.loadUnaligned(fromByteOffset: $0, as: Int64.self)) }
            case .uint64: load = { Int(truncatingIfNeeded: raw.loadUnaligned(fromByteOffset: $0, as: UInt64.self)) }
            default:
                throw SafetensorsError.wrongDType(
                    tensor: name,
                    expected: [
                        .int8, .uint8, .int16, .uint16, .int32,
                        .uint32, .int64, .uint64,
                    ], actual: info.dtype)
            }
            return (0..<info.elementCount).map { load(base + size * $0) }
        }
    }
}
